-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create type public.mood [after.md:4:1]
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

-- add column public.items.mood — ACCESS EXCLUSIVE on items [after.md:5:93]
ALTER TABLE items ADD COLUMN mood mood;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop column public.items.mood — ACCESS EXCLUSIVE on items, LOSES the values of public.items.mood
ALTER TABLE items DROP COLUMN mood;

-- drop type public.mood
DROP TYPE mood;
