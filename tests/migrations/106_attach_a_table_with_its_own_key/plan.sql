-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), 1 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop primary key events_2026_pkey — ACCESS EXCLUSIVE on events_2026
ALTER TABLE events_2026 DROP CONSTRAINT events_2026_pkey;

-- drop index events_2026_kind — SHARE UPDATE EXCLUSIVE on events_2026, outside a transaction
DROP INDEX CONCURRENTLY events_2026_kind;

-- attach public.events_2026 as a partition of public.events (its rows must fall within its bounds) — ACCESS EXCLUSIVE on events_2026, scans events_2026 (empty) [after.md:10:1]
ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- schemadoc migration (down): after.md -> database <fresh>
-- 5 statement(s), 2 outside a transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach partition public.events_2026 from public.events (its rows stay in it) — ACCESS EXCLUSIVE on events
ALTER TABLE events DETACH PARTITION events_2026;

-- drop primary key events_2026_pkey that attaching public.events_2026 to public.events cloned — ACCESS EXCLUSIVE on events_2026
ALTER TABLE events_2026 DROP CONSTRAINT events_2026_pkey;

-- drop index events_2026_kind_idx that attaching public.events_2026 to public.events cloned — SHARE UPDATE EXCLUSIVE on events_2026, outside a transaction
DROP INDEX CONCURRENTLY events_2026_kind_idx;

-- create index events_2026_kind — SHARE UPDATE EXCLUSIVE on events_2026, scans events_2026 (empty), outside a transaction
CREATE INDEX CONCURRENTLY events_2026_kind ON events_2026 (kind);

-- add primary key events_2026_pkey — ACCESS EXCLUSIVE on events_2026, scans events_2026 (empty)
ALTER TABLE events_2026 ADD CONSTRAINT events_2026_pkey PRIMARY KEY (id, at);
