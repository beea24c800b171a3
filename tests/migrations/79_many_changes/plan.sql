-- schemadoc migration (up): database <fresh> -> after.md
-- 23 statement(s), 3 outside a transaction, 1 LOSE DATA
-- NOTE after.md:5:45: public.customers.email becomes NOT NULL: the migration fails while rows hold NULL there
-- NOTE after.md:6:42: public.orders.customer_id becomes NOT NULL: the migration fails while rows hold NULL there
-- NOTE after.md:6:111: public.orders.status becomes NOT NULL: the migration fails while rows hold NULL there

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop foreign key orders_customer_id_fkey — ACCESS EXCLUSIVE on orders
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;

-- drop view public.open_orders to recreate it — ACCESS EXCLUSIVE on open_orders
DROP VIEW open_orders;

-- add value shipped to public.status — outside a transaction [after.md:4:1]
--   a new enum value cannot be used in the transaction that adds it
ALTER TYPE status ADD VALUE 'shipped' AFTER 'paid';

-- add column public.orders.placed_at — ACCESS EXCLUSIVE on orders [after.md:6:149]
ALTER TABLE orders ADD COLUMN placed_at timestamp with time zone DEFAULT now() NOT NULL;

-- add check customers_email_not_null — ACCESS EXCLUSIVE on customers [after.md:5:45]
ALTER TABLE customers ADD CONSTRAINT customers_email_not_null CHECK (email IS NOT NULL) NOT VALID;

-- validate check customers_email_not_null — SHARE UPDATE EXCLUSIVE on customers, scans customers (empty) [after.md:5:45]
ALTER TABLE customers VALIDATE CONSTRAINT customers_email_not_null;

-- set not null on public.customers.email (proved by customers_email_not_null) — ACCESS EXCLUSIVE on customers [after.md:5:45]
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;

-- drop check customers_email_not_null — ACCESS EXCLUSIVE on customers [after.md:5:45]
ALTER TABLE customers DROP CONSTRAINT customers_email_not_null;

-- build the index of unique customers_email_key — SHARE UPDATE EXCLUSIVE on customers, scans customers (empty), outside a transaction [after.md:5:65]
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);

-- add unique customers_email_key — ACCESS EXCLUSIVE on customers [after.md:5:65]
ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;

-- add check orders_customer_id_not_null — ACCESS EXCLUSIVE on orders [after.md:6:42]
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null CHECK (customer_id IS NOT NULL) NOT VALID;

-- validate check orders_customer_id_not_null — SHARE UPDATE EXCLUSIVE on orders, scans orders (empty) [after.md:6:42]
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;

-- set not null on public.orders.customer_id (proved by orders_customer_id_not_null) — ACCESS EXCLUSIVE on orders [after.md:6:42]
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;

-- drop check orders_customer_id_not_null — ACCESS EXCLUSIVE on orders [after.md:6:42]
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_not_null;

-- add check orders_status_not_null — ACCESS EXCLUSIVE on orders [after.md:6:111]
ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL) NOT VALID;

-- validate check orders_status_not_null — SHARE UPDATE EXCLUSIVE on orders, scans orders (empty) [after.md:6:111]
ALTER TABLE orders VALIDATE CONSTRAINT orders_status_not_null;

-- set not null on public.orders.status (proved by orders_status_not_null) — ACCESS EXCLUSIVE on orders [after.md:6:111]
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;

-- drop check orders_status_not_null — ACCESS EXCLUSIVE on orders [after.md:6:111]
ALTER TABLE orders DROP CONSTRAINT orders_status_not_null;

-- add foreign key orders_customer_id_fkey — SHARE ROW EXCLUSIVE on orders [after.md:6:67]
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE NOT VALID;

-- validate foreign key orders_customer_id_fkey — SHARE UPDATE EXCLUSIVE on orders, scans orders (empty) [after.md:6:67]
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;

-- create index orders_customer_id_idx — SHARE UPDATE EXCLUSIVE on orders, scans orders (empty), outside a transaction [after.md:7:1]
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);

-- create view public.open_orders [after.md:8:1]
CREATE VIEW open_orders AS
SELECT orders.id,
    orders.placed_at
   FROM orders
  WHERE orders.status = 'new'::status;

-- drop column public.orders.note — ACCESS EXCLUSIVE on orders, LOSES the values of public.orders.note: 0 row(s)
ALTER TABLE orders DROP COLUMN note;

-- schemadoc migration (down): after.md -> database <fresh>
-- 18 statement(s), 1 outside a transaction, 2 LOSE DATA
-- planned by comparing back: a step of the up plan cannot be undone on its own

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop unique constraint customers_email_key — ACCESS EXCLUSIVE on customers
ALTER TABLE customers DROP CONSTRAINT customers_email_key;

-- drop foreign key orders_customer_id_fkey — ACCESS EXCLUSIVE on orders
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;

-- drop index orders_customer_id_idx — SHARE UPDATE EXCLUSIVE on orders, outside a transaction
DROP INDEX CONCURRENTLY orders_customer_id_idx;

-- drop view public.open_orders to recreate it — ACCESS EXCLUSIVE on open_orders
DROP VIEW open_orders;

-- rename type public.status aside
ALTER TYPE status RENAME TO status__old;

-- create type public.status with its new values
CREATE TYPE status AS ENUM ('new', 'paid');

-- drop default of public.orders.status — ACCESS EXCLUSIVE on orders
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;

-- move public.orders.status to the new public.status — ACCESS EXCLUSIVE on orders, rewrites table orders (empty), LOSES rows of public.orders holding shipped in status
ALTER TABLE orders ALTER COLUMN status TYPE status USING status::text::status;

-- set default of public.orders.status — ACCESS EXCLUSIVE on orders
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'::status;

-- drop the old public.status
DROP TYPE status__old;

-- drop not null of public.customers.email — ACCESS EXCLUSIVE on customers
ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;

-- add column public.orders.note — ACCESS EXCLUSIVE on orders
ALTER TABLE orders ADD COLUMN note text;

-- drop not null of public.orders.customer_id — ACCESS EXCLUSIVE on orders
ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;

-- drop not null of public.orders.status — ACCESS EXCLUSIVE on orders
ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;

-- add foreign key orders_customer_id_fkey — SHARE ROW EXCLUSIVE on orders
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

-- validate foreign key orders_customer_id_fkey — SHARE UPDATE EXCLUSIVE on orders, scans orders (empty)
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;

-- create view public.open_orders
CREATE VIEW open_orders AS
SELECT orders.id
   FROM orders
  WHERE orders.status = 'new'::status;

-- drop column public.orders.placed_at — ACCESS EXCLUSIVE on orders, LOSES the values of public.orders.placed_at
ALTER TABLE orders DROP COLUMN placed_at;
