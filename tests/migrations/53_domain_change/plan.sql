-- schemadoc migration (up): database <fresh> -> after.md
-- 5 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- alter default of domain public.positive [after.md:4:1]
ALTER DOMAIN positive SET DEFAULT 1;

-- alter nullability of domain public.positive — scans  [after.md:4:1]
ALTER DOMAIN positive SET NOT NULL;

-- drop check positive_check of domain public.positive
ALTER DOMAIN positive DROP CONSTRAINT positive_check;

-- add check positive_check to domain public.positive [after.md:4:1]
ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK ((VALUE >= 1)) NOT VALID;

-- validate check positive_check of domain public.positive — scans  [after.md:4:1]
ALTER DOMAIN positive VALIDATE CONSTRAINT positive_check;

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop check positive_check of domain public.positive
ALTER DOMAIN positive DROP CONSTRAINT positive_check;

-- add check positive_check to domain public.positive
ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK ((VALUE > 0)) NOT VALID;

-- alter nullability of domain public.positive
ALTER DOMAIN positive DROP NOT NULL;

-- alter default of domain public.positive
ALTER DOMAIN positive DROP DEFAULT;
