-- schemadoc migration (up): database <fresh> -> after.md
-- 3 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename table public.orders to purchases — ACCESS EXCLUSIVE on orders [after.md:6:1]
ALTER TABLE orders RENAME TO purchases;

-- rename constraint orders_pkey to purchases_pkey — ACCESS EXCLUSIVE on purchases
ALTER TABLE purchases RENAME CONSTRAINT orders_pkey TO purchases_pkey;

-- rename index orders_total_idx to purchases_total_idx — SHARE UPDATE EXCLUSIVE on purchases [after.md:7:1]
ALTER INDEX orders_total_idx RENAME TO purchases_total_idx;

-- schemadoc migration (down): after.md -> database <fresh>
-- 3 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- rename index purchases_total_idx to orders_total_idx — SHARE UPDATE EXCLUSIVE on purchases
ALTER INDEX purchases_total_idx RENAME TO orders_total_idx;

-- rename constraint purchases_pkey to orders_pkey — ACCESS EXCLUSIVE on purchases
ALTER TABLE purchases RENAME CONSTRAINT purchases_pkey TO orders_pkey;

-- rename table public.purchases to orders — ACCESS EXCLUSIVE on purchases
ALTER TABLE purchases RENAME TO orders;
