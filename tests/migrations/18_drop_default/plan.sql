-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop default of public.items.qty — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ALTER COLUMN qty DROP DEFAULT;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- set default of public.items.qty — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN qty SET DEFAULT 1;
