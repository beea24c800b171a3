-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), 1 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- build the index of unique items_pos_key — SHARE UPDATE EXCLUSIVE on items, scans items (empty), outside a transaction [after.md:4:102]
CREATE UNIQUE INDEX CONCURRENTLY items_pos_key ON items (pos);

-- add unique items_pos_key — ACCESS EXCLUSIVE on items [after.md:4:102]
ALTER TABLE items ADD CONSTRAINT items_pos_key UNIQUE USING INDEX items_pos_key DEFERRABLE INITIALLY DEFERRED;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop unique items_pos_key — ACCESS EXCLUSIVE on items
ALTER TABLE items DROP CONSTRAINT items_pos_key;
