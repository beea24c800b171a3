-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';

-- drop type public.mood
DROP TYPE mood;

-- schemadoc migration (down): after.md -> database <fresh>
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';

-- create type public.mood
CREATE TYPE mood AS ENUM ('sad', 'happy');
