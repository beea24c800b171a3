-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create sequence public.ticket_no [after.md:5:1]
CREATE SEQUENCE ticket_no AS bigint INCREMENT BY 1 START WITH 1;

-- alter sequence public.invoice_no [after.md:4:1]
ALTER SEQUENCE invoice_no AS bigint INCREMENT BY 10 NO MINVALUE NO MAXVALUE START WITH 1000 CACHE 5 NO CYCLE;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- alter sequence public.invoice_no
ALTER SEQUENCE invoice_no AS bigint INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1000 CACHE 1 NO CYCLE;

-- drop sequence public.ticket_no
DROP SEQUENCE ticket_no;
