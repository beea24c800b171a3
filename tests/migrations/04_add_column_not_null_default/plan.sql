-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.items.qty — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ADD COLUMN qty integer DEFAULT 0 NOT NULL;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop column public.items.qty — ACCESS EXCLUSIVE on items, LOSES the values of public.items.qty
ALTER TABLE items DROP COLUMN qty;
