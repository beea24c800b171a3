-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create trigger items_touch on public.items — SHARE ROW EXCLUSIVE on items [after.md:6:1]
CREATE TRIGGER items_touch BEFORE UPDATE ON items
    FOR EACH ROW EXECUTE FUNCTION touch();

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop trigger items_touch on public.items — ACCESS EXCLUSIVE on items
DROP TRIGGER items_touch ON items;
