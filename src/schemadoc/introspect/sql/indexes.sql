SELECT n.nspname AS schema, ic.relname AS name, tc.relname AS table_name,
       i.indisunique AS is_unique, am.amname AS method, i.indnkeyatts AS key_count,
       ARRAY(SELECT CASE WHEN i.indkey[k.ord - 1] = 0 THEN '(' || pg_get_indexdef(i.indexrelid, k.ord::int, true) || ')'
                         ELSE (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k.ord - 1]) END
                    || CASE WHEN k.ord <= i.indnkeyatts AND opc.opcdefault IS FALSE THEN ' ' || opc.opcname ELSE '' END
                    || CASE WHEN k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END
                    || CASE WHEN k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 1) = 0 AND (i.indoption[k.ord - 1] & 2) = 2 THEN ' NULLS FIRST'
                            WHEN k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 1) = 1 AND (i.indoption[k.ord - 1] & 2) = 0 THEN ' NULLS LAST'
                            ELSE '' END
             FROM generate_series(1, i.indnatts) k(ord)
             LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[k.ord - 1]
             ORDER BY k.ord)::text[] AS keys,
       pg_get_expr(i.indpred, i.indrelid, true) AS "where",
-- @since 15
       i.indnullsnotdistinct AS nulls_not_distinct
-- @else
       false AS nulls_not_distinct
-- @end
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE tc.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (SELECT FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT FROM pg_inherits inh WHERE inh.inhrelid = i.indexrelid)  -- @clones: AND EXISTS (SELECT FROM pg_inherits inh WHERE inh.inhrelid = i.indexrelid)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = tc.oid AND d.deptype = 'e')  -- @own
ORDER BY 1, 2
