-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.qty from integer to bigint — ACCESS EXCLUSIVE on items, rewrites table items (empty) [after.md:4:93]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN qty TYPE bigint;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.qty from bigint to integer — ACCESS EXCLUSIVE on items, rewrites table items (empty), LOSES values of public.items.qty that integer cannot hold exactly
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN qty TYPE integer;
