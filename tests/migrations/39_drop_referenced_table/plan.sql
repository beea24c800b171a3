-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction, 1 LOSE DATA

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop foreign key posts_user_id_fkey — ACCESS EXCLUSIVE on posts
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;

-- drop table public.users — ACCESS EXCLUSIVE on users, LOSES every row of public.users: 0 row(s)
DROP TABLE users;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create table public.users
CREATE TABLE users (
    id integer NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (id)
);

-- add foreign key posts_user_id_fkey — SHARE ROW EXCLUSIVE on posts
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

-- validate foreign key posts_user_id_fkey — SHARE UPDATE EXCLUSIVE on posts, scans posts (empty)
ALTER TABLE posts VALIDATE CONSTRAINT posts_user_id_fkey;
