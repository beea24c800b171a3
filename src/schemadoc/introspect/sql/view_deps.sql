SELECT DISTINCT vn.nspname || '.' || v.relname AS view, rn.nspname || '.' || r.relname AS depends_on
FROM pg_depend d
JOIN pg_rewrite w ON d.classid = 'pg_rewrite'::regclass AND w.oid = d.objid
JOIN pg_class v ON v.oid = w.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_class r ON d.refclassid = 'pg_class'::regclass AND r.oid = d.refobjid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE v.relkind IN ('v', 'm') AND r.oid <> v.oid AND r.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND vn.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND vn.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2
