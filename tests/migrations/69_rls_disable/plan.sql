-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- disable row level security on public.items — ACCESS EXCLUSIVE on items [after.md:4:1]
ALTER TABLE items DISABLE ROW LEVEL SECURITY;

-- unforce row level security on public.items — ACCESS EXCLUSIVE on items [after.md:4:1]
ALTER TABLE items NO FORCE ROW LEVEL SECURITY;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- force row level security on public.items — ACCESS EXCLUSIVE on items
ALTER TABLE items FORCE ROW LEVEL SECURITY;

-- enable row level security on public.items — ACCESS EXCLUSIVE on items
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
