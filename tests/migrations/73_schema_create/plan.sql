-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create schema billing
CREATE SCHEMA IF NOT EXISTS billing;

-- create table billing.invoices [after.md:5:1]
CREATE TABLE billing.invoices (
    id integer NOT NULL,
    total numeric(10,2) NOT NULL,
    CONSTRAINT invoices_pkey PRIMARY KEY (id)
);

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction, 1 LOSE DATA
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop table billing.invoices — ACCESS EXCLUSIVE on invoices, LOSES every row of billing.invoices
DROP TABLE billing.invoices;

-- drop schema billing
DROP SCHEMA billing;
