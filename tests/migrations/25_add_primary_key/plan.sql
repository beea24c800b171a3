-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), 1 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- build the index of primary key items_pkey — SHARE UPDATE EXCLUSIVE on items, scans items (empty), outside a transaction [after.md:4:31]
CREATE UNIQUE INDEX CONCURRENTLY items_pkey ON items (id);

-- add primary key items_pkey — ACCESS EXCLUSIVE on items [after.md:4:31]
ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop primary key items_pkey — ACCESS EXCLUSIVE on items
ALTER TABLE items DROP CONSTRAINT items_pkey;
