-- schemadoc migration (up): database <fresh> -> after.md
-- 4 statement(s), in one transaction, 3 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.stamped.updated_at — ACCESS EXCLUSIVE on stamped [after.md:6:59]
ALTER TABLE stamped ADD COLUMN updated_at timestamp without time zone;

-- drop column public.stamped.revision — ACCESS EXCLUSIVE on stamped, LOSES the values of public.stamped.revision: 0 row(s)
ALTER TABLE ONLY stamped DROP COLUMN revision;

-- drop column public.notes.title — ACCESS EXCLUSIVE on notes, LOSES the values of public.notes.title: 0 row(s)
ALTER TABLE notes DROP COLUMN title;

-- drop column public.tags.revision — ACCESS EXCLUSIVE on tags, LOSES the values of public.tags.revision: 0 row(s)
ALTER TABLE tags DROP COLUMN revision;

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.tags.revision — ACCESS EXCLUSIVE on tags
ALTER TABLE tags ADD COLUMN revision integer;

-- add column public.notes.title — ACCESS EXCLUSIVE on notes
ALTER TABLE notes ADD COLUMN title text;

-- add column public.stamped.revision — ACCESS EXCLUSIVE on stamped
ALTER TABLE stamped ADD COLUMN revision integer;

-- drop column public.stamped.updated_at — ACCESS EXCLUSIVE on stamped, LOSES the values of public.stamped.updated_at
ALTER TABLE stamped DROP COLUMN updated_at;
