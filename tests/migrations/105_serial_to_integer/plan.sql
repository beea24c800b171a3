-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop default of public.a.id — ACCESS EXCLUSIVE on a [after.md:7:17]
ALTER TABLE a ALTER COLUMN id DROP DEFAULT;

-- drop sequence a_id_seq — ACCESS EXCLUSIVE on a
DROP SEQUENCE IF EXISTS a_id_seq;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create sequence a_id_seq for public.a.id — ACCESS EXCLUSIVE on a
CREATE SEQUENCE IF NOT EXISTS a_id_seq AS integer OWNED BY a.id;

-- start a_id_seq past the existing values of public.a.id — scans a (empty)
SELECT setval('a_id_seq', coalesce(max(id), 0) + 1, false) FROM a;

-- set default of public.a.id — ACCESS EXCLUSIVE on a
ALTER TABLE a ALTER COLUMN id SET DEFAULT nextval('a_id_seq'::regclass);
