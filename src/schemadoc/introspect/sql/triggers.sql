SELECT n.nspname AS schema, c.relname AS table_name, t.tgname AS name, t.tgtype AS type_bits,
       pn.nspname || '.' || p.proname AS function,
       ARRAY(SELECT a.attname FROM unnest(t.tgattr) k(num) JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num)::text[] AS update_columns,
       t.tgnargs AS nargs, t.tgargs AS args,
       CASE WHEN t.tgqual IS NOT NULL THEN substring(pg_get_triggerdef(t.oid, true) FROM 'WHEN \((.*)\) EXECUTE') END AS "when"
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2, 3
