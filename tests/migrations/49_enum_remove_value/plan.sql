-- schemadoc migration (up): database <fresh> -> after.md
-- 6 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename type public.mood aside [after.md:4:1]
ALTER TYPE mood RENAME TO mood__old;

-- create type public.mood with its new values [after.md:4:1]
CREATE TYPE mood AS ENUM ('sad', 'happy');

-- drop default of public.items.mood — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN mood DROP DEFAULT;

-- move public.items.mood to the new public.mood — ACCESS EXCLUSIVE on items, rewrites table items (empty), LOSES rows of public.items holding ok in mood: 0 row(s)
ALTER TABLE items ALTER COLUMN mood TYPE mood USING mood::text::mood;

-- drop the old public.mood
DROP TYPE mood__old;

-- set default of public.items.mood — ACCESS EXCLUSIVE on items [after.md:5:93]
ALTER TABLE items ALTER COLUMN mood SET DEFAULT 'happy'::mood;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), 1 outside a transaction
-- planned by comparing back: a step of the up plan cannot be undone on its own

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add value ok to public.mood — outside a transaction
--   a new enum value cannot be used in the transaction that adds it
ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';

-- set default of public.items.mood — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN mood SET DEFAULT 'ok'::mood;
