-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.events_2026 [after.md:6:1]
CREATE TABLE events_2026 PARTITION OF events
    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- create index events_at_idx — SHARE on events, scans events (empty) [after.md:7:1]
--   PostgreSQL cannot build an index on a partitioned table CONCURRENTLY; for big partitions create it ON ONLY the parent, build each partition's CONCURRENTLY, then ATTACH PARTITION each
CREATE INDEX events_at_idx ON events (at);

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index events_at_idx — ACCESS EXCLUSIVE on events
DROP INDEX events_at_idx;

-- drop table public.events_2026 — ACCESS EXCLUSIVE on events_2026, LOSES every row of public.events_2026
DROP TABLE events_2026;
