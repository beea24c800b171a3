-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop function public.add(integer, integer) to recreate it
DROP FUNCTION add(integer, integer);

-- create function public.add(integer, integer) [after.md:4:1]
CREATE OR REPLACE FUNCTION add(a integer, b integer)
RETURNS bigint
LANGUAGE sql
AS $$ SELECT (a + b)::bigint $$;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop function public.add(integer, integer)
DROP FUNCTION add(integer, integer);

-- create function public.add(integer, integer)
CREATE OR REPLACE FUNCTION add(a integer, b integer)
RETURNS integer
LANGUAGE sql
AS $$ SELECT a + b $$;
