-- schemadoc migration (up): database <fresh> -> after.md
-- 4 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop view public.low_stock to recreate it — ACCESS EXCLUSIVE on low_stock
DROP VIEW low_stock;

-- drop view public.stock to recreate it — ACCESS EXCLUSIVE on stock
DROP VIEW stock;

-- create view public.stock [after.md:5:1]
CREATE VIEW stock AS
SELECT items.id,
    items.name,
    items.qty
   FROM items;

-- create view public.low_stock [after.md:6:1]
CREATE VIEW low_stock AS
SELECT stock.name
   FROM stock
  WHERE stock.qty < 5;

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop view public.low_stock — ACCESS EXCLUSIVE on low_stock
DROP VIEW low_stock;

-- drop view public.stock — ACCESS EXCLUSIVE on stock
DROP VIEW stock;

-- create view public.stock
CREATE VIEW stock AS
SELECT items.name,
    items.qty
   FROM items;

-- create view public.low_stock
CREATE VIEW low_stock AS
SELECT stock.name
   FROM stock
  WHERE stock.qty < 5;
