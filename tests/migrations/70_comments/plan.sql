-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- comment on public.items [after.md:4:1]
COMMENT ON TABLE items IS 'Things we sell';

-- comment on public.items.name [after.md:4:73]
COMMENT ON COLUMN items.name IS 'Shown to customers';

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- comment on public.items.name
COMMENT ON COLUMN items.name IS NULL;

-- comment on public.items
COMMENT ON TABLE items IS NULL;
