-- schemadoc migration (up): database <fresh> -> after.md
-- 8 statement(s), 1 outside a transaction
-- NOTE after.md:6:24: public.products.product_no becomes NOT NULL: the migration fails while rows hold NULL there

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.order_items [after.md:7:1]
CREATE TABLE order_items (
    product_no integer,
    quantity integer
);

-- add check products_product_no_not_null — ACCESS EXCLUSIVE on products [after.md:6:24]
ALTER TABLE products ADD CONSTRAINT products_product_no_not_null CHECK (product_no IS NOT NULL) NOT VALID;

-- validate check products_product_no_not_null — SHARE UPDATE EXCLUSIVE on products, scans products (empty) [after.md:6:24]
ALTER TABLE products VALIDATE CONSTRAINT products_product_no_not_null;

-- set not null on public.products.product_no (proved by products_product_no_not_null) — ACCESS EXCLUSIVE on products [after.md:6:24]
ALTER TABLE products ALTER COLUMN product_no SET NOT NULL;

-- drop check products_product_no_not_null — ACCESS EXCLUSIVE on products [after.md:6:24]
ALTER TABLE products DROP CONSTRAINT products_product_no_not_null;

-- build the index of primary key products_pkey — SHARE UPDATE EXCLUSIVE on products, scans products (empty), outside a transaction [after.md:6:43]
CREATE UNIQUE INDEX CONCURRENTLY products_pkey ON products (product_no);

-- add primary key products_pkey — ACCESS EXCLUSIVE on products [after.md:6:43]
ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY USING INDEX products_pkey;

-- add foreign key order_items_product_no_fkey — SHARE ROW EXCLUSIVE on order_items [after.md:8:24]
ALTER TABLE order_items ADD CONSTRAINT order_items_product_no_fkey FOREIGN KEY (product_no) REFERENCES products (product_no) ON DELETE RESTRICT;

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop foreign key order_items_product_no_fkey — ACCESS EXCLUSIVE on order_items
ALTER TABLE order_items DROP CONSTRAINT order_items_product_no_fkey;

-- drop primary key products_pkey — ACCESS EXCLUSIVE on products
ALTER TABLE products DROP CONSTRAINT products_pkey;

-- drop not null of public.products.product_no — ACCESS EXCLUSIVE on products
ALTER TABLE products ALTER COLUMN product_no DROP NOT NULL;

-- drop table public.order_items — ACCESS EXCLUSIVE on order_items, LOSES every row of public.order_items
DROP TABLE order_items;
