-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename column public.items.full_name to display_name — ACCESS EXCLUSIVE on items [after.md:5:3]
ALTER TABLE items RENAME COLUMN full_name TO display_name;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename column public.items.display_name to full_name — ACCESS EXCLUSIVE on items
ALTER TABLE items RENAME COLUMN display_name TO full_name;
