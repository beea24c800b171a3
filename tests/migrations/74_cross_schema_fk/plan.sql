-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), 1 outside a transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- add foreign key invoices_customer_id_fkey — SHARE ROW EXCLUSIVE on invoices [after.md:6:68]
ALTER TABLE billing.invoices ADD CONSTRAINT invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

-- validate foreign key invoices_customer_id_fkey — SHARE UPDATE EXCLUSIVE on invoices, scans invoices (empty) [after.md:6:68]
ALTER TABLE billing.invoices VALIDATE CONSTRAINT invoices_customer_id_fkey;

-- create index invoices_customer_id_idx — SHARE UPDATE EXCLUSIVE on invoices, scans invoices (empty), outside a transaction [after.md:7:1]
CREATE INDEX CONCURRENTLY invoices_customer_id_idx ON billing.invoices (customer_id);

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), 1 outside a transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop index invoices_customer_id_idx — SHARE UPDATE EXCLUSIVE on invoices, outside a transaction
DROP INDEX CONCURRENTLY billing.invoices_customer_id_idx;

-- drop foreign key invoices_customer_id_fkey — ACCESS EXCLUSIVE on invoices
ALTER TABLE billing.invoices DROP CONSTRAINT invoices_customer_id_fkey;
