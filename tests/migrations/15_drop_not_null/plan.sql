-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop not null of public.items.note — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ALTER COLUMN note DROP NOT NULL;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- set not null on public.items.note — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN note SET NOT NULL;
