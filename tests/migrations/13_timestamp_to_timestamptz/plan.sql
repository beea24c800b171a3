-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.seen_at from timestamp without time zone to timestamp with time zone — ACCESS EXCLUSIVE on items, rewrites table items (empty) [after.md:4:93]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN seen_at TYPE timestamp with time zone;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- change type of public.items.seen_at from timestamp with time zone to timestamp without time zone — ACCESS EXCLUSIVE on items, rewrites table items (empty)
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ALTER COLUMN seen_at TYPE timestamp without time zone;
