-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- grant UPDATE to sd_reader [after.md:6:1]
GRANT UPDATE ON TABLE items TO sd_reader;

-- revoke INSERT from sd_reader
REVOKE INSERT ON TABLE items FROM sd_reader;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- grant INSERT to sd_reader
GRANT INSERT ON TABLE items TO sd_reader;

-- revoke UPDATE from sd_reader
REVOKE UPDATE ON TABLE items FROM sd_reader;
