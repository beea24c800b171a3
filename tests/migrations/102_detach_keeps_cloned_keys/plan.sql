-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach partition public.events_2024 from public.events (its rows stay in it) — ACCESS EXCLUSIVE on events [after.md:9:1]
ALTER TABLE events DETACH PARTITION events_2024;

-- drop unique constraint events_2024_kind_at_key — ACCESS EXCLUSIVE on events_2024
ALTER TABLE events_2024 DROP CONSTRAINT events_2024_kind_at_key;

-- drop primary key events_2024_pkey — ACCESS EXCLUSIVE on events_2024
ALTER TABLE events_2024 DROP CONSTRAINT events_2024_pkey;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add primary key events_2024_pkey — ACCESS EXCLUSIVE on events_2024, scans events_2024 (empty)
ALTER TABLE events_2024 ADD CONSTRAINT events_2024_pkey PRIMARY KEY (id, at);

-- add unique events_2024_kind_at_key — ACCESS EXCLUSIVE on events_2024, scans events_2024 (empty)
ALTER TABLE events_2024 ADD CONSTRAINT events_2024_kind_at_key UNIQUE (kind, at);

-- attach public.events_2024 as a partition of public.events (its rows must fall within its bounds) — ACCESS EXCLUSIVE on events_2024, scans events_2024 (empty)
ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
