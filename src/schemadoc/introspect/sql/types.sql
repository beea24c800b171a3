SELECT n.nspname AS schema, t.typname AS name, t.typtype AS kind,
       CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text[] END AS enum_values,
       CASE WHEN t.typtype = 'c' THEN ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                                           WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[] END AS attributes,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
       t.typnotnull AS not_null, t.typdefault AS "default",
       CASE WHEN t.typtype = 'd' THEN ARRAY(SELECT con.conname || E'\x1f' || pg_get_expr(con.conbin, 0) FROM pg_constraint con
                                           WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname)::text[] END AS checks
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class rc ON rc.oid = t.typrelid
WHERE t.typtype IN ('e', 'd', 'c') AND (t.typtype <> 'c' OR rc.relkind = 'c')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')  -- @own
ORDER BY 1, 2
