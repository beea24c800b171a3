-- schemadoc migration (up): database <fresh> -> after.md
-- 8 statement(s), 1 outside a transaction
-- NOTE after.md:8:21: public.codes.code becomes NOT NULL: the migration fails while rows hold NULL there

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create schema reporting
CREATE SCHEMA IF NOT EXISTS reporting;

-- add check codes_code_not_null — ACCESS EXCLUSIVE on codes [after.md:8:21]
ALTER TABLE codes ADD CONSTRAINT codes_code_not_null CHECK (code IS NOT NULL) NOT VALID;

-- validate check codes_code_not_null — SHARE UPDATE EXCLUSIVE on codes, scans codes (empty) [after.md:8:21]
ALTER TABLE codes VALIDATE CONSTRAINT codes_code_not_null;

-- set not null on public.codes.code (proved by codes_code_not_null) — ACCESS EXCLUSIVE on codes [after.md:8:21]
ALTER TABLE codes ALTER COLUMN code SET NOT NULL;

-- drop check codes_code_not_null — ACCESS EXCLUSIVE on codes [after.md:8:21]
ALTER TABLE codes DROP CONSTRAINT codes_code_not_null;

-- build the index of primary key codes_pkey — SHARE UPDATE EXCLUSIVE on codes, scans codes (empty), outside a transaction [after.md:10:1]
CREATE UNIQUE INDEX CONCURRENTLY codes_pkey ON codes (code);

-- add primary key codes_pkey — ACCESS EXCLUSIVE on codes [after.md:10:1]
ALTER TABLE codes ADD CONSTRAINT codes_pkey PRIMARY KEY USING INDEX codes_pkey DEFERRABLE INITIALLY DEFERRED;

-- drop schema staging
DROP SCHEMA staging;

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create schema staging
CREATE SCHEMA IF NOT EXISTS staging;

-- drop primary key codes_pkey — ACCESS EXCLUSIVE on codes
ALTER TABLE codes DROP CONSTRAINT codes_pkey;

-- drop not null of public.codes.code — ACCESS EXCLUSIVE on codes
ALTER TABLE codes ALTER COLUMN code DROP NOT NULL;

-- drop schema reporting
DROP SCHEMA reporting;
