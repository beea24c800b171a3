-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop table public.summary (a view of the same name replaces it) — ACCESS EXCLUSIVE on summary, LOSES every row of public.summary: 0 row(s)
DROP TABLE summary;

-- create view public.summary [after.md:5:1]
CREATE VIEW summary AS
SELECT count(*)::integer AS n
   FROM items;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop view public.summary — ACCESS EXCLUSIVE on summary
DROP VIEW summary;

-- create table public.summary
CREATE TABLE summary (
    n integer
);
