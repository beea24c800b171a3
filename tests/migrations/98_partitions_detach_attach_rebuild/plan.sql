-- schemadoc migration (up): database <fresh> -> after.md
-- 7 statement(s), in one transaction, 1 LOSE DATA
-- NOTE after.md:11:1: public.events becomes partitioned: the migration fails while it holds rows no partition takes

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach partition public.readings_2024 from public.readings (its rows stay in it) — ACCESS EXCLUSIVE on readings [after.md:8:1]
ALTER TABLE readings DETACH PARTITION readings_2024;

-- set public.events aside as events_schemadoc_old, to move its rows into the rebuilt table — ACCESS EXCLUSIVE on events [after.md:11:1]
ALTER TABLE events RENAME TO events_schemadoc_old;

-- create table public.events [after.md:11:1]
CREATE TABLE events (
    id integer NOT NULL,
    at date NOT NULL
)
PARTITION BY RANGE (at);

-- move the rows of public.events into its rebuilt table — ACCESS EXCLUSIVE on events, scans events (empty) [after.md:11:1]
--   every row is written again: on a big table this takes as long as copying it
INSERT INTO events (id, at) SELECT id, at FROM events_schemadoc_old;

-- drop the set-aside public.events, its rows moved — ACCESS EXCLUSIVE on events
DROP TABLE events_schemadoc_old;

-- drop column public.readings_2026.note — ACCESS EXCLUSIVE on readings_2026, LOSES the values of public.readings_2026.note: 0 row(s)
ALTER TABLE readings_2026 DROP COLUMN note;

-- attach public.readings_2026 as a partition of public.readings (its rows must fall within its bounds) — ACCESS EXCLUSIVE on readings_2026, scans readings_2026 (empty) [after.md:10:1]
ALTER TABLE readings ATTACH PARTITION readings_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- schemadoc migration (down): after.md -> database <fresh>
-- 7 statement(s), in one transaction
-- planned by comparing back: a step of the up plan cannot be undone on its own

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach partition public.readings_2026 from public.readings (its rows stay in it) — ACCESS EXCLUSIVE on readings
ALTER TABLE readings DETACH PARTITION readings_2026;

-- set public.events aside as events_schemadoc_old, to move its rows into the rebuilt table — ACCESS EXCLUSIVE on events
ALTER TABLE events RENAME TO events_schemadoc_old;

-- create table public.events
CREATE TABLE events (
    id integer NOT NULL,
    at date NOT NULL
);

-- add column public.readings_2026.note — ACCESS EXCLUSIVE on readings_2026
ALTER TABLE readings_2026 ADD COLUMN note text;

-- move the rows of public.events into its rebuilt table — ACCESS EXCLUSIVE on events, scans events (empty)
--   every row is written again: on a big table this takes as long as copying it
INSERT INTO events (id, at) SELECT id, at FROM events_schemadoc_old;

-- drop the set-aside public.events, its rows moved — ACCESS EXCLUSIVE on events
DROP TABLE events_schemadoc_old;

-- attach public.readings_2024 as a partition of public.readings (its rows must fall within its bounds) — ACCESS EXCLUSIVE on readings_2024, scans readings_2024 (empty)
ALTER TABLE readings ATTACH PARTITION readings_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
