-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.price from numeric(8,2) to numeric(12,2) — ACCESS EXCLUSIVE on items [after.md:4:93]
ALTER TABLE items ALTER COLUMN price TYPE numeric(12,2);

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.price from numeric(12,2) to numeric(8,2) — ACCESS EXCLUSIVE on items, rewrites table items (empty), LOSES values of public.items.price that numeric(8,2) cannot hold exactly
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN price TYPE numeric(8,2);
