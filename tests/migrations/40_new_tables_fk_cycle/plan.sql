-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.a [after.md:4:1]
CREATE TABLE a (
    id integer NOT NULL,
    b_id integer,
    CONSTRAINT a_pkey PRIMARY KEY (id)
);

-- create table public.b [after.md:5:1]
CREATE TABLE b (
    id integer NOT NULL,
    a_id integer,
    CONSTRAINT b_pkey PRIMARY KEY (id),
    CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a (id)
);

-- add foreign key a_b_id_fkey — SHARE ROW EXCLUSIVE on a [after.md:6:1]
ALTER TABLE a ADD CONSTRAINT a_b_id_fkey FOREIGN KEY (b_id) REFERENCES b (id);

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction, 2 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop foreign key a_b_id_fkey — ACCESS EXCLUSIVE on a
ALTER TABLE a DROP CONSTRAINT a_b_id_fkey;

-- drop table public.b — ACCESS EXCLUSIVE on b, LOSES every row of public.b
DROP TABLE b;

-- drop table public.a — ACCESS EXCLUSIVE on a, LOSES every row of public.a
DROP TABLE a;
