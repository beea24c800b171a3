-- schemadoc migration (up): database <fresh> -> after.md
-- 4 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- set public.cache logged — ACCESS EXCLUSIVE on cache, rewrites table cache (empty) [after.md:6:1]
ALTER TABLE cache SET LOGGED;

-- set public.children unlogged — ACCESS EXCLUSIVE on children, rewrites table children (empty) [after.md:5:1]
ALTER TABLE children SET UNLOGGED;

-- set public.events unlogged — ACCESS EXCLUSIVE on events, rewrites table events (empty) [after.md:7:1]
ALTER TABLE events SET UNLOGGED;

-- set public.parents unlogged — ACCESS EXCLUSIVE on parents, rewrites table parents (empty) [after.md:4:1]
ALTER TABLE parents SET UNLOGGED;

-- schemadoc migration (down): after.md -> database <fresh>
-- 4 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- set public.parents logged — ACCESS EXCLUSIVE on parents, rewrites table parents (empty)
ALTER TABLE parents SET LOGGED;

-- set public.events logged — ACCESS EXCLUSIVE on events, rewrites table events (empty)
ALTER TABLE events SET LOGGED;

-- set public.children logged — ACCESS EXCLUSIVE on children, rewrites table children (empty)
ALTER TABLE children SET LOGGED;

-- set public.cache unlogged — ACCESS EXCLUSIVE on cache, rewrites table cache (empty)
ALTER TABLE cache SET UNLOGGED;
