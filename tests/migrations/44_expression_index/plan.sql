-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), 1 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create index items_lower_name_idx — SHARE UPDATE EXCLUSIVE on items, scans items (empty), outside a transaction [after.md:5:1]
CREATE UNIQUE INDEX CONCURRENTLY items_lower_name_idx ON items ((lower(name)));

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), 1 outside a transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index items_lower_name_idx — SHARE UPDATE EXCLUSIVE on items, outside a transaction
DROP INDEX CONCURRENTLY items_lower_name_idx;
