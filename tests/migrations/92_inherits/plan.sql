-- schemadoc migration (up): database <fresh> -> after.md
-- 14 statement(s), in one transaction
-- NOTE after.md:8:5: public.links.target_kind is added NOT NULL without a default: the migration fails if public.links has rows; give it a default, or add it nullable, backfill, then set NOT NULL
-- NOTE after.md:9:5: public.links.target_id is added NOT NULL without a default: the migration fails if public.links has rows; give it a default, or add it nullable, backfill, then set NOT NULL
-- NOTE after.md:7:5: public.links.id becomes NOT NULL: the migration fails while rows hold NULL there

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add column public.links.target_kind — ACCESS EXCLUSIVE on links [after.md:8:5]
ALTER TABLE links ADD COLUMN target_kind text NOT NULL;

-- add column public.links.target_id — ACCESS EXCLUSIVE on links [after.md:9:5]
ALTER TABLE links ADD COLUMN target_id bigint NOT NULL;

-- add column public.links.created_at — ACCESS EXCLUSIVE on links [after.md:10:5]
ALTER TABLE links ADD COLUMN created_at timestamp with time zone DEFAULT now();

-- change type of public.links.id from integer to bigint — ACCESS EXCLUSIVE on links, rewrites table links (empty) [after.md:7:5]
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE links ALTER COLUMN id TYPE bigint;

-- create sequence links_id_seq for public.links.id — ACCESS EXCLUSIVE on links [after.md:7:5]
CREATE SEQUENCE IF NOT EXISTS links_id_seq AS bigint OWNED BY links.id;

-- set default of public.links.id — ACCESS EXCLUSIVE on links [after.md:7:5]
ALTER TABLE links ALTER COLUMN id SET DEFAULT nextval('links_id_seq'::regclass);

-- start links_id_seq past the existing values of public.links.id — scans links (empty) [after.md:7:5]
SELECT setval('links_id_seq', coalesce(max(id), 0) + 1, false) FROM links;

-- add check links_id_not_null — ACCESS EXCLUSIVE on links [after.md:7:5]
ALTER TABLE links ADD CONSTRAINT links_id_not_null CHECK (id IS NOT NULL) NOT VALID;

-- validate check links_id_not_null — SHARE UPDATE EXCLUSIVE on links, scans links (empty) [after.md:7:5]
ALTER TABLE links VALIDATE CONSTRAINT links_id_not_null;

-- set not null on public.links.id (proved by links_id_not_null) — ACCESS EXCLUSIVE on links [after.md:7:5]
ALTER TABLE links ALTER COLUMN id SET NOT NULL;

-- create table public.links_post [after.md:12:1]
CREATE TABLE links_post (
    CONSTRAINT links_post_target_id_target_kind_key UNIQUE (target_id, target_kind),
    CONSTRAINT "target_kind is post" CHECK ((target_kind = 'post'::text))
)
INHERITS (links);

-- create table public.links_user [after.md:16:1]
CREATE TABLE links_user (
    note text,
    CONSTRAINT links_user_target_id_target_kind_key UNIQUE (target_id, target_kind),
    CONSTRAINT "target_kind is user" CHECK ((target_kind = 'user'::text))
)
INHERITS (links);

-- create table public.links_user_vip [after.md:21:1]
CREATE TABLE links_user_vip (
    tier integer DEFAULT 1 NOT NULL
)
INHERITS (links_user);

-- drop check links_id_not_null — ACCESS EXCLUSIVE on links [after.md:7:5]
ALTER TABLE links DROP CONSTRAINT links_id_not_null;

-- schemadoc migration (down): after.md -> database <fresh>
-- 10 statement(s), in one transaction, 7 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop table public.links_user_vip — ACCESS EXCLUSIVE on links_user_vip, LOSES every row of public.links_user_vip
DROP TABLE links_user_vip;

-- drop table public.links_user — ACCESS EXCLUSIVE on links_user, LOSES every row of public.links_user
DROP TABLE links_user;

-- drop table public.links_post — ACCESS EXCLUSIVE on links_post, LOSES every row of public.links_post
DROP TABLE links_post;

-- drop not null of public.links.id — ACCESS EXCLUSIVE on links
ALTER TABLE links ALTER COLUMN id DROP NOT NULL;

-- drop default of public.links.id — ACCESS EXCLUSIVE on links
ALTER TABLE links ALTER COLUMN id DROP DEFAULT;

-- drop sequence links_id_seq — ACCESS EXCLUSIVE on links
DROP SEQUENCE IF EXISTS links_id_seq;

-- change type of public.links.id from bigint to integer — ACCESS EXCLUSIVE on links, rewrites table links (empty), LOSES values of public.links.id that integer cannot hold exactly
--   on a big table prefer expand/contract: add a new column, backfill it in batches, then switch over in one short transaction
ALTER TABLE links ALTER COLUMN id TYPE integer;

-- drop column public.links.created_at — ACCESS EXCLUSIVE on links, LOSES the values of public.links.created_at
ALTER TABLE links DROP COLUMN created_at;

-- drop column public.links.target_id — ACCESS EXCLUSIVE on links, LOSES the values of public.links.target_id
ALTER TABLE links DROP COLUMN target_id;

-- drop column public.links.target_kind — ACCESS EXCLUSIVE on links, LOSES the values of public.links.target_kind
ALTER TABLE links DROP COLUMN target_kind;
