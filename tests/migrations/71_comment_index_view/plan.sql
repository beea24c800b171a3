-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- comment on index public.items_name_idx [after.md:7:1]
COMMENT ON INDEX items_name_idx IS 'lookups by name';

-- comment on view public.v [after.md:8:1]
COMMENT ON VIEW v IS 'names only';

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- comment on view public.v
COMMENT ON VIEW v IS NULL;

-- comment on index public.items_name_idx
COMMENT ON INDEX items_name_idx IS NULL;
