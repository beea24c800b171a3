-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop primary key items_pkey — ACCESS EXCLUSIVE on items
ALTER TABLE items DROP CONSTRAINT items_pkey;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add primary key items_pkey — ACCESS EXCLUSIVE on items, scans items (empty)
ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY (id);
