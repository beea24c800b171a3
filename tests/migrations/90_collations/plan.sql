-- schemadoc migration (up): database <fresh> -> after.md
-- 5 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create collation public.c_copy [after.md:5:1]
CREATE COLLATION c_copy (locale = 'C');

-- change collation of public.people.name to the default — ACCESS EXCLUSIVE on people, scans people (empty) [after.md:8:5]
ALTER TABLE people ALTER COLUMN name TYPE text COLLATE "default";

-- change collation of public.people.code to POSIX — ACCESS EXCLUSIVE on people, scans people (empty) [after.md:9:5]
ALTER TABLE people ALTER COLUMN code TYPE text COLLATE "POSIX";

-- change type of public.people.note from text to character varying(40) — ACCESS EXCLUSIVE on people, rewrites table people (empty), LOSES values of public.people.note that character varying(40) cannot hold exactly: 0 row(s) [after.md:10:5]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE people ALTER COLUMN note TYPE character varying(40) COLLATE c_copy;

-- drop collation public.gone
DROP COLLATION gone;

-- schemadoc migration (down): after.md -> database <fresh>
-- 5 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create collation public.gone
CREATE COLLATION gone (locale = 'C');

-- change type of public.people.note from character varying(40) to text — ACCESS EXCLUSIVE on people
ALTER TABLE people ALTER COLUMN note TYPE text COLLATE "default";

-- change collation of public.people.code back (COLLATE posix_copy) — ACCESS EXCLUSIVE on people, scans people (empty)
ALTER TABLE people ALTER COLUMN code TYPE text COLLATE posix_copy;

-- change collation of public.people.name back (COLLATE "C") — ACCESS EXCLUSIVE on people, scans people (empty)
ALTER TABLE people ALTER COLUMN name TYPE text COLLATE "C";

-- drop collation public.c_copy
DROP COLLATION c_copy;
