-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename value ok of public.mood to fine [after.md:4:1]
ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename value fine of public.mood to ok
ALTER TYPE mood RENAME VALUE 'fine' TO 'ok';
