-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop materialized view public.item_names to recreate it — ACCESS EXCLUSIVE on item_names
DROP MATERIALIZED VIEW item_names;

-- create materialized view public.item_names [after.md:5:1]
CREATE MATERIALIZED VIEW item_names AS
SELECT items.id,
    upper(items.name) AS name
   FROM items;

-- create index item_names_id — SHARE on item_names [after.md:6:1]
CREATE UNIQUE INDEX item_names_id ON item_names (id);

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index item_names_id — ACCESS EXCLUSIVE on item_names
DROP INDEX item_names_id;

-- drop materialized view public.item_names — ACCESS EXCLUSIVE on item_names
DROP MATERIALIZED VIEW item_names;

-- create materialized view public.item_names
CREATE MATERIALIZED VIEW item_names AS
SELECT items.id,
    items.name
   FROM items;

-- create index item_names_id — SHARE on item_names
CREATE UNIQUE INDEX item_names_id ON item_names (id);
