-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- attach public.events_2025 as a partition of public.events (its rows must fall within its bounds) — ACCESS EXCLUSIVE on events_2025, scans events_2025 (empty) [after.md:11:1]
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), 1 outside a transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach partition public.events_2025 from public.events (its rows stay in it) — ACCESS EXCLUSIVE on events
ALTER TABLE events DETACH PARTITION events_2025;

-- drop primary key events_2025_pkey that attaching public.events_2025 to public.events cloned — ACCESS EXCLUSIVE on events_2025
ALTER TABLE events_2025 DROP CONSTRAINT events_2025_pkey;

-- drop index events_2025_kind_idx that attaching public.events_2025 to public.events cloned — SHARE UPDATE EXCLUSIVE on events_2025, outside a transaction
DROP INDEX CONCURRENTLY events_2025_kind_idx;
