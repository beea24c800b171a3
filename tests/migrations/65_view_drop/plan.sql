-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop view public.item_names — ACCESS EXCLUSIVE on item_names
DROP VIEW item_names;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create view public.item_names
CREATE VIEW item_names AS
SELECT items.name
   FROM items;
