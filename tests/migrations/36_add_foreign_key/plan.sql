-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add foreign key posts_user_id_fkey — SHARE ROW EXCLUSIVE on posts [after.md:5:53]
ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;

-- validate foreign key posts_user_id_fkey — SHARE UPDATE EXCLUSIVE on posts, scans posts (empty) [after.md:5:53]
ALTER TABLE posts VALIDATE CONSTRAINT posts_user_id_fkey;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop foreign key posts_user_id_fkey — ACCESS EXCLUSIVE on posts
ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
