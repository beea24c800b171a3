-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), 2 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add value ok to public.mood — outside a transaction [after.md:4:1]
--   a new enum value cannot be used in the transaction that adds it
ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';

-- add value ecstatic to public.mood — outside a transaction [after.md:4:1]
--   a new enum value cannot be used in the transaction that adds it
ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction, 1 LOSE DATA
-- planned by comparing back: a step of the up plan cannot be undone on its own

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename type public.mood aside
ALTER TYPE mood RENAME TO mood__old;

-- create type public.mood with its new values
CREATE TYPE mood AS ENUM ('sad', 'happy');

-- move public.items.mood to the new public.mood — ACCESS EXCLUSIVE on items, rewrites table items (empty), LOSES rows of public.items holding ok, ecstatic in mood
ALTER TABLE items ALTER COLUMN mood TYPE mood USING mood::text::mood;

-- drop the old public.mood
DROP TYPE mood__old;
