-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add unique items_sku_key — ACCESS EXCLUSIVE on items, scans items (empty) [after.md:4:103]
ALTER TABLE items ADD CONSTRAINT items_sku_key UNIQUE NULLS NOT DISTINCT (sku);

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop unique items_sku_key — ACCESS EXCLUSIVE on items
ALTER TABLE items DROP CONSTRAINT items_sku_key;
