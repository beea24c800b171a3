-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.Post [after.md:10:1]
CREATE TABLE "Post" (
    id serial,
    title text NOT NULL,
    "authorId" integer NOT NULL,
    CONSTRAINT "Post_pkey" PRIMARY KEY (id)
);

-- add foreign key Post_authorId_fkey — SHARE ROW EXCLUSIVE on Post [after.md:13:1]
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User" (id) ON DELETE RESTRICT ON UPDATE CASCADE;

-- create index Post_authorId_idx — SHARE on Post [after.md:15:1]
CREATE INDEX "Post_authorId_idx" ON "Post" ("authorId");

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index Post_authorId_idx — ACCESS EXCLUSIVE on Post
DROP INDEX "Post_authorId_idx";

-- drop foreign key Post_authorId_fkey — ACCESS EXCLUSIVE on Post
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";

-- drop table public.Post — ACCESS EXCLUSIVE on Post, LOSES every row of public.Post
DROP TABLE "Post";
