-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add exclusion slots_during_excl — ACCESS EXCLUSIVE on slots, scans slots (empty) [after.md:4:59]
ALTER TABLE slots ADD CONSTRAINT slots_during_excl EXCLUDE USING gist (during WITH &&);

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop exclusion slots_during_excl — ACCESS EXCLUSIVE on slots
ALTER TABLE slots DROP CONSTRAINT slots_during_excl;
