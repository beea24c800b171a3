-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop view public.stock to recreate it — ACCESS EXCLUSIVE on stock
DROP VIEW stock;

-- change type of public.items.qty from integer to bigint — ACCESS EXCLUSIVE on items, rewrites table items (empty) [after.md:4:93]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN qty TYPE bigint;

-- create view public.stock [after.md:5:1]
CREATE VIEW stock AS
SELECT items.name,
    items.qty
   FROM items;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop view public.stock — ACCESS EXCLUSIVE on stock
DROP VIEW stock;

-- change type of public.items.qty from bigint to integer — ACCESS EXCLUSIVE on items, rewrites table items (empty), LOSES values of public.items.qty that integer cannot hold exactly
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN qty TYPE integer;

-- create view public.stock
CREATE VIEW stock AS
SELECT items.name,
    items.qty
   FROM items;
