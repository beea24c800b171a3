-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.items [after.md:4:1]
CREATE TABLE items (
    id bigint NOT NULL,
    name text NOT NULL,
    CONSTRAINT items_pkey PRIMARY KEY (id)
);

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop table public.items — ACCESS EXCLUSIVE on items, LOSES every row of public.items
DROP TABLE items;
