-- schemadoc migration (up): database <fresh> -> after.md
-- 2 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- make public.orders_id_seq a sequence of its own [after.md:7:1]
ALTER SEQUENCE orders_id_seq AS bigint INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE OWNED BY NONE;

-- make public.invoices_number_seq the sequence of public.invoices.number [after.md:9:24]
ALTER SEQUENCE invoices_number_seq AS integer OWNED BY invoices.number;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- make invoices_number_seq a sequence of its own again
ALTER SEQUENCE invoices_number_seq AS bigint INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE OWNED BY NONE;

-- make orders_id_seq the sequence of public.orders.id again
ALTER SEQUENCE orders_id_seq AS integer OWNED BY orders.id;
