-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop column public.items.note — ACCESS EXCLUSIVE on items, LOSES the values of public.items.note: 0 row(s)
ALTER TABLE items DROP COLUMN note;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.items.note — ACCESS EXCLUSIVE on items
ALTER TABLE items ADD COLUMN note text;
