-- schemadoc migration (up): database <fresh> -> after.md
-- 5 statement(s), in one transaction, 2 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create extension citext [after.md:4:1]
CREATE EXTENSION IF NOT EXISTS citext VERSION '1.5';

-- update extension pg_trgm from 1.3 to 1.4 [after.md:5:1]
ALTER EXTENSION pg_trgm UPDATE TO '1.4';

-- change type of public.words.w from text to citext — ACCESS EXCLUSIVE on words, rewrites table words (empty) [after.md:6:21]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE words ALTER COLUMN w TYPE citext;

-- drop column public.words.attrs — ACCESS EXCLUSIVE on words, LOSES the values of public.words.attrs: 0 row(s)
ALTER TABLE words DROP COLUMN attrs;

-- drop extension hstore — LOSES what extension hstore provides (its types, functions and operators)
DROP EXTENSION hstore;

-- schemadoc migration (down): after.md -> database <fresh>
-- 6 statement(s), in one transaction, 2 LOSE DATA
-- planned by comparing back: a step of the up plan cannot be undone on its own

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create extension hstore
CREATE EXTENSION IF NOT EXISTS hstore;

-- drop extension pg_trgm 1.4 (the server has no update to 1.3) — LOSES what extension pg_trgm 1.4 provides, and anything built on it
DROP EXTENSION pg_trgm;

-- create extension pg_trgm 1.3
CREATE EXTENSION IF NOT EXISTS pg_trgm VERSION '1.3';

-- add column public.words.attrs — ACCESS EXCLUSIVE on words
ALTER TABLE words ADD COLUMN attrs hstore;

-- change type of public.words.w from citext to text — ACCESS EXCLUSIVE on words, rewrites table words (empty)
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE words ALTER COLUMN w TYPE text;

-- drop extension citext — LOSES what extension citext provides (its types, functions and operators)
DROP EXTENSION citext;
