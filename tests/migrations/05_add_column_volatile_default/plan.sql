-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.items.token — ACCESS EXCLUSIVE on items, rewrites table items (empty) [after.md:4:93]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE items ADD COLUMN token uuid DEFAULT gen_random_uuid() NOT NULL;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop column public.items.token — ACCESS EXCLUSIVE on items, LOSES the values of public.items.token
ALTER TABLE items DROP COLUMN token;
