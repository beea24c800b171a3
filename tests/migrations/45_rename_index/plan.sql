-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename index sku_idx to items_sku_idx — SHARE UPDATE EXCLUSIVE on items [after.md:5:1]
ALTER INDEX sku_idx RENAME TO items_sku_idx;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename index items_sku_idx to sku_idx — SHARE UPDATE EXCLUSIVE on items
ALTER INDEX items_sku_idx RENAME TO sku_idx;
