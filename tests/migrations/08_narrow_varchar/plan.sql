-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.code from character varying(40) to character varying(10) — ACCESS EXCLUSIVE on items, rewrites table items (empty), LOSES values of public.items.code that character varying(10) cannot hold exactly: 0 row(s) [after.md:4:93]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN code TYPE character varying(10);

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.code from character varying(10) to character varying(40) — ACCESS EXCLUSIVE on items
ALTER TABLE items ALTER COLUMN code TYPE character varying(40);
