-- schemadoc migration (up): database <fresh> -> after.md
-- 5 statement(s), 3 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index accounts_email_idx — SHARE UPDATE EXCLUSIVE on accounts, outside a transaction
DROP INDEX CONCURRENTLY accounts_email_idx;

-- build the index of unique accounts_email_key — SHARE UPDATE EXCLUSIVE on accounts, scans accounts (empty), outside a transaction [after.md:10:1]
CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email);

-- add unique accounts_email_key — ACCESS EXCLUSIVE on accounts [after.md:10:1]
ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_key;

-- build the index of primary key accounts_pkey — SHARE UPDATE EXCLUSIVE on accounts, scans accounts (empty), outside a transaction [after.md:9:1]
CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON accounts (id);

-- add primary key accounts_pkey — ACCESS EXCLUSIVE on accounts [after.md:9:1]
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_pkey;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), 1 outside a transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop primary key accounts_pkey — ACCESS EXCLUSIVE on accounts
ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;

-- drop unique accounts_email_key — ACCESS EXCLUSIVE on accounts
ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;

-- create index accounts_email_idx — SHARE UPDATE EXCLUSIVE on accounts, scans accounts (empty), outside a transaction
CREATE UNIQUE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
