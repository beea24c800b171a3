SELECT c.oid, n.nspname AS schema, c.relname AS name,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by,
       CASE WHEN c.relispartition THEN pn.nspname || '.' || p.relname END AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced, c.relpersistence = 'u' AS unlogged,
       obj_description(c.oid, 'pg_class') AS comment,
       ARRAY(SELECT ihn.nspname || '.' || ihc.relname FROM pg_inherits ih
             JOIN pg_class ihc ON ihc.oid = ih.inhparent JOIN pg_namespace ihn ON ihn.oid = ihc.relnamespace
             WHERE ih.inhrelid = c.oid AND NOT c.relispartition ORDER BY ih.inhseqno)::text[] AS inherits
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
LEFT JOIN pg_class p ON p.oid = i.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')  -- @own
ORDER BY 2, 3
