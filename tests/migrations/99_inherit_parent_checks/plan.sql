-- schemadoc migration (up): database <fresh> -> after.md
-- 9 statement(s), in one transaction
-- NOTE after.md:7:21: public.books.id becomes NOT NULL: the migration fails while rows hold NULL there

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach public.films from parent public.items — ACCESS EXCLUSIVE on films [after.md:9:1]
ALTER TABLE films NO INHERIT items;

-- drop check items_price_check of public.films (left by its former parent public.items) — ACCESS EXCLUSIVE on films [after.md:9:1]
ALTER TABLE films DROP CONSTRAINT items_price_check;

-- drop not null of public.films.id — ACCESS EXCLUSIVE on films [after.md:9:21]
ALTER TABLE films ALTER COLUMN id DROP NOT NULL;

-- add check items_price_check to public.books, as its new parent public.items has it — ACCESS EXCLUSIVE on books, scans books (empty) [after.md:8:1]
ALTER TABLE books ADD CONSTRAINT items_price_check CHECK ((price >= 0));

-- add check books_id_not_null — ACCESS EXCLUSIVE on books [after.md:7:21]
ALTER TABLE books ADD CONSTRAINT books_id_not_null CHECK (id IS NOT NULL) NOT VALID;

-- validate check books_id_not_null — SHARE UPDATE EXCLUSIVE on books, scans books (empty) [after.md:7:21]
ALTER TABLE books VALIDATE CONSTRAINT books_id_not_null;

-- set not null on public.books.id (proved by books_id_not_null) — ACCESS EXCLUSIVE on books [after.md:7:21]
ALTER TABLE books ALTER COLUMN id SET NOT NULL;

-- drop check books_id_not_null — ACCESS EXCLUSIVE on books [after.md:7:21]
ALTER TABLE books DROP CONSTRAINT books_id_not_null;

-- make public.books a child of public.items — ACCESS EXCLUSIVE on books [after.md:8:1]
ALTER TABLE books INHERIT items;

-- schemadoc migration (down): after.md -> database <fresh>
-- 6 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- detach public.books from parent public.items — ACCESS EXCLUSIVE on books
ALTER TABLE books NO INHERIT items;

-- drop not null of public.books.id — ACCESS EXCLUSIVE on books
ALTER TABLE books ALTER COLUMN id DROP NOT NULL;

-- drop check items_price_check — ACCESS EXCLUSIVE on books
ALTER TABLE books DROP CONSTRAINT items_price_check;

-- set not null on public.films.id — ACCESS EXCLUSIVE on films
ALTER TABLE films ALTER COLUMN id SET NOT NULL;

-- add check items_price_check — ACCESS EXCLUSIVE on films, scans films (empty)
ALTER TABLE films ADD CONSTRAINT items_price_check CHECK ((price >= 0));

-- make public.films a child of public.items — ACCESS EXCLUSIVE on films
ALTER TABLE films INHERIT items;
