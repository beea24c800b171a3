-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop policy own_items on public.items — ACCESS EXCLUSIVE on items
DROP POLICY own_items ON items;

-- create policy own_items on public.items — ACCESS EXCLUSIVE on items [after.md:6:1]
CREATE POLICY own_items ON items FOR SELECT TO PUBLIC
    USING (((owner = CURRENT_USER) OR (owner IS NULL)));

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop policy own_items on public.items — ACCESS EXCLUSIVE on items
DROP POLICY own_items ON items;

-- create policy own_items on public.items — ACCESS EXCLUSIVE on items
CREATE POLICY own_items ON items TO PUBLIC
    USING ((owner = CURRENT_USER));
