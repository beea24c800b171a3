-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- replace function public.add(integer, integer) [after.md:4:1]
CREATE OR REPLACE FUNCTION add(a integer, b integer)
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$ SELECT b + a $$;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- replace function public.add(integer, integer)
CREATE OR REPLACE FUNCTION add(a integer, b integer)
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$ SELECT a + b $$;
