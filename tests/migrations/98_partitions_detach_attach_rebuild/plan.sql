-- schemadoc migration (up): database <fresh> -> after.md
-- 5 statement(s), in one transaction, 2 LOSE DATA
-- NOTE after.md:11:1: table public.events looks like public.events renamed: this plan drops public.events and creates public.events; if it is a rename, put `<!-- schemadoc: renamed-from=events -->` before events's definition

SET lock_timeout = '5s';

-- detach partition public.readings_2024 from public.readings (its rows stay in it) — ACCESS EXCLUSIVE on readings [after.md:8:1]
ALTER TABLE readings DETACH PARTITION readings_2024;

-- drop table public.events — ACCESS EXCLUSIVE on events, LOSES every row of public.events: 0 row(s)
DROP TABLE events;

-- create table public.events [after.md:11:1]
CREATE TABLE events (
    id integer NOT NULL,
    at date NOT NULL
)
PARTITION BY RANGE (at);

-- drop column public.readings_2026.note — ACCESS EXCLUSIVE on readings_2026, LOSES the values of public.readings_2026.note: 0 row(s)
ALTER TABLE readings_2026 DROP COLUMN note;

-- attach public.readings_2026 as a partition of public.readings (its rows must fall within its bounds) — ACCESS EXCLUSIVE on readings_2026, scans readings_2026 (empty) [after.md:10:1]
ALTER TABLE readings ATTACH PARTITION readings_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- schemadoc migration (down): after.md -> database <fresh>
-- 5 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';

-- detach partition public.readings_2026 from public.readings (its rows stay in it) — ACCESS EXCLUSIVE on readings
ALTER TABLE readings DETACH PARTITION readings_2026;

-- drop table public.events — ACCESS EXCLUSIVE on events, LOSES every row of public.events
DROP TABLE events;

-- create table public.events
CREATE TABLE events (
    id integer NOT NULL,
    at date NOT NULL
);

-- add column public.readings_2026.note — ACCESS EXCLUSIVE on readings_2026
ALTER TABLE readings_2026 ADD COLUMN note text;

-- attach public.readings_2024 as a partition of public.readings (its rows must fall within its bounds) — ACCESS EXCLUSIVE on readings_2024, scans readings_2024 (empty)
ALTER TABLE readings ATTACH PARTITION readings_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
