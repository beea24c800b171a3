-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add check items_qty_check — ACCESS EXCLUSIVE on items [after.md:4:101]
ALTER TABLE items ADD CONSTRAINT items_qty_check CHECK ((qty >= 0)) NOT VALID;

-- validate check items_qty_check — SHARE UPDATE EXCLUSIVE on items, scans items (empty) [after.md:4:101]
ALTER TABLE items VALIDATE CONSTRAINT items_qty_check;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop check items_qty_check — ACCESS EXCLUSIVE on items
ALTER TABLE items DROP CONSTRAINT items_qty_check;
