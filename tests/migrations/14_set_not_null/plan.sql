-- schemadoc migration (up): database <fresh> -> after.md
-- 4 statement(s), in one transaction
-- NOTE after.md:4:93: public.items.note becomes NOT NULL: the migration fails while rows hold NULL there

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add check items_note_not_null — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ADD CONSTRAINT items_note_not_null CHECK (note IS NOT NULL) NOT VALID;

-- validate check items_note_not_null — SHARE UPDATE EXCLUSIVE on items, scans items (empty) [after.md:4:93]
ALTER TABLE items VALIDATE CONSTRAINT items_note_not_null;

-- set not null on public.items.note (proved by items_note_not_null) — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ALTER COLUMN note SET NOT NULL;

-- drop check items_note_not_null — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items DROP CONSTRAINT items_note_not_null;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop not null of public.items.note — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN note DROP NOT NULL;
