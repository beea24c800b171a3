-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction, 1 LOSE DATA
-- NOTE after.md:4:93: column public.items.display_name looks like full_name renamed: this plan drops full_name and adds display_name; if it is a rename, put `schemadoc: renamed-from=full_name` in a comment on display_name's line

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.items.display_name — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ADD COLUMN display_name text;

-- drop column public.items.full_name — ACCESS EXCLUSIVE on items, LOSES the values of public.items.full_name: 0 row(s)
ALTER TABLE items DROP COLUMN full_name;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.items.full_name — ACCESS EXCLUSIVE on items
ALTER TABLE items ADD COLUMN full_name text;

-- drop column public.items.display_name — ACCESS EXCLUSIVE on items, LOSES the values of public.items.display_name
ALTER TABLE items DROP COLUMN display_name;
