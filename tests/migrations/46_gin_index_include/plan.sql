-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), 2 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create index items_sku_idx — SHARE UPDATE EXCLUSIVE on items, scans items (empty), outside a transaction [after.md:6:1]
CREATE INDEX CONCURRENTLY items_sku_idx ON items (sku) INCLUDE (name);

-- create index items_tags_idx — SHARE UPDATE EXCLUSIVE on items, scans items (empty), outside a transaction [after.md:5:1]
CREATE INDEX CONCURRENTLY items_tags_idx ON items USING gin (tags);

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), 2 outside a transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index items_tags_idx — SHARE UPDATE EXCLUSIVE on items, outside a transaction
DROP INDEX CONCURRENTLY items_tags_idx;

-- drop index items_sku_idx — SHARE UPDATE EXCLUSIVE on items, outside a transaction
DROP INDEX CONCURRENTLY items_sku_idx;
