-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create domain public.positive [after.md:4:1]
CREATE DOMAIN positive AS integer CONSTRAINT positive_check CHECK ((VALUE > 0));

-- add column public.items.qty — ACCESS EXCLUSIVE on items [after.md:5:93]
ALTER TABLE items ADD COLUMN qty positive;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop column public.items.qty — ACCESS EXCLUSIVE on items, LOSES the values of public.items.qty
ALTER TABLE items DROP COLUMN qty;

-- drop domain public.positive
DROP DOMAIN positive;
