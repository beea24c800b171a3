-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- set default of public.items.status — ACCESS EXCLUSIVE on items [after.md:6:38]
ALTER TABLE items ALTER COLUMN status SET DEFAULT 'open'::text;

-- set default of public.films.status — ACCESS EXCLUSIVE on films [after.md:8:34]
ALTER TABLE films ALTER COLUMN status SET DEFAULT 'draft'::text;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- set default of public.films.status — ACCESS EXCLUSIVE on films
ALTER TABLE films ALTER COLUMN status SET DEFAULT 'open'::text;

-- set default of public.items.status — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN status SET DEFAULT 'new'::text;

-- set public.films.status's own default back — ACCESS EXCLUSIVE on films
ALTER TABLE ONLY films ALTER COLUMN status SET DEFAULT 'draft'::text;
