-- schemadoc migration (up): database <fresh> -> after.md
-- 13 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create domain public.positive_money [after.md:9:1]
CREATE DOMAIN positive_money AS numeric(12,2) CONSTRAINT positive_money_check CHECK ((VALUE > (0)::numeric));

-- create type public.a_order_line [after.md:10:1]
CREATE TYPE a_order_line AS (sku text, price positive_money);

-- create function public.a_order_count() [after.md:13:1]
CREATE OR REPLACE FUNCTION a_order_count()
RETURNS bigint
LANGUAGE sql STABLE
AS $$ SELECT count(*) FROM orders $$;

-- create function public.b_doubled(bigint) [after.md:14:1]
CREATE OR REPLACE FUNCTION b_doubled(n bigint)
RETURNS bigint
LANGUAGE sql IMMUTABLE
RETURN (n * 2);

-- create function public.a_twice_the_orders() [after.md:15:1]
CREATE OR REPLACE FUNCTION a_twice_the_orders()
RETURNS bigint
LANGUAGE sql STABLE
RETURN b_doubled(a_order_count());

-- create table public.orders [after.md:11:1]
CREATE TABLE orders (
    id bigint NOT NULL,
    customer_id bigint,
    lines a_order_line[],
    CONSTRAINT orders_pkey PRIMARY KEY (id)
);

-- create function public.a_big_orders() [after.md:12:1]
CREATE OR REPLACE FUNCTION a_big_orders()
RETURNS SETOF orders
LANGUAGE sql STABLE
AS $$ SELECT * FROM orders WHERE id > 10 $$;

-- add foreign key orders_customer_id_fkey — SHARE ROW EXCLUSIVE on orders [after.md:11:64]
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);

-- create view public.big [after.md:16:1]
CREATE VIEW big AS
SELECT a_big_orders.id,
    a_big_orders.customer_id,
    a_big_orders.lines
   FROM a_big_orders() a_big_orders(id, customer_id, lines);

-- drop table public.coupons — ACCESS EXCLUSIVE on coupons, LOSES every row of public.coupons: 0 row(s)
DROP TABLE coupons;

-- drop domain public.zz_code
DROP DOMAIN zz_code;

-- drop domain public.zz_state
DROP DOMAIN zz_state;

-- drop type public.zz_status
DROP TYPE zz_status;

-- schemadoc migration (down): after.md -> database <fresh>
-- 13 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create type public.zz_status
CREATE TYPE zz_status AS ENUM ('new', 'paid');

-- create domain public.zz_state
CREATE DOMAIN zz_state AS zz_status CONSTRAINT zz_state_check CHECK ((VALUE <> 'new'::zz_status));

-- create domain public.zz_code
CREATE DOMAIN zz_code AS text CONSTRAINT zz_code_check CHECK ((VALUE ~ '^[A-Z]+$'::text));

-- create table public.coupons
CREATE TABLE coupons (
    id bigint NOT NULL,
    code zz_code,
    status zz_state,
    CONSTRAINT coupons_pkey PRIMARY KEY (id)
);

-- drop view public.big — ACCESS EXCLUSIVE on big
DROP VIEW big;

-- drop foreign key orders_customer_id_fkey — ACCESS EXCLUSIVE on orders
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;

-- drop function public.a_big_orders()
DROP FUNCTION a_big_orders();

-- drop table public.orders — ACCESS EXCLUSIVE on orders, LOSES every row of public.orders
DROP TABLE orders;

-- drop function public.a_twice_the_orders()
DROP FUNCTION a_twice_the_orders();

-- drop function public.b_doubled(bigint)
DROP FUNCTION b_doubled(bigint);

-- drop function public.a_order_count()
DROP FUNCTION a_order_count();

-- drop type public.a_order_line
DROP TYPE a_order_line;

-- drop domain public.positive_money
DROP DOMAIN positive_money;
