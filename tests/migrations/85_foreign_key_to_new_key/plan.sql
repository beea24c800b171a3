-- schemadoc migration (up): database <fresh> -> after.md
-- 4 statement(s), 1 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- build the index of primary key a_pkey — SHARE UPDATE EXCLUSIVE on a, scans a (empty), outside a transaction [after.md:4:24]
CREATE UNIQUE INDEX CONCURRENTLY a_pkey ON a (id);

-- add primary key a_pkey — ACCESS EXCLUSIVE on a [after.md:4:24]
ALTER TABLE a ADD CONSTRAINT a_pkey PRIMARY KEY USING INDEX a_pkey;

-- add foreign key b_a_id_fkey — SHARE ROW EXCLUSIVE on b [after.md:5:26]
ALTER TABLE b ADD CONSTRAINT b_a_id_fkey FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;

-- validate foreign key b_a_id_fkey — SHARE UPDATE EXCLUSIVE on b, scans b (empty) [after.md:5:26]
ALTER TABLE b VALIDATE CONSTRAINT b_a_id_fkey;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop foreign key b_a_id_fkey — ACCESS EXCLUSIVE on b
ALTER TABLE b DROP CONSTRAINT b_a_id_fkey;

-- drop primary key a_pkey — ACCESS EXCLUSIVE on a
ALTER TABLE a DROP CONSTRAINT a_pkey;
