-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- alter type public.address [after.md:4:1]
ALTER TYPE address ADD ATTRIBUTE zip character varying(10);

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- alter type public.address
ALTER TYPE address DROP ATTRIBUTE zip;
