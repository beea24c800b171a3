-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach public.films from parent public.items — ACCESS EXCLUSIVE on films [after.md:8:1]
ALTER TABLE films NO INHERIT items;

-- make public.books a child of public.items — ACCESS EXCLUSIVE on books [after.md:7:1]
ALTER TABLE books INHERIT items;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach public.books from parent public.items — ACCESS EXCLUSIVE on books
ALTER TABLE books NO INHERIT items;

-- make public.films a child of public.items — ACCESS EXCLUSIVE on films
ALTER TABLE films INHERIT items;
