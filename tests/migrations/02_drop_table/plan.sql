-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop table public.items — ACCESS EXCLUSIVE on items, LOSES every row of public.items: 0 row(s)
DROP TABLE items;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.items
CREATE TABLE items (
    id bigint NOT NULL,
    CONSTRAINT items_pkey PRIMARY KEY (id)
);
