-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.Article.created_at — ACCESS EXCLUSIVE on Article [after.md:7:1]
ALTER TABLE "Article" ADD COLUMN created_at timestamp(3) without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop column public.Article.created_at — ACCESS EXCLUSIVE on Article, LOSES the values of public.Article.created_at
ALTER TABLE "Article" DROP COLUMN created_at;
