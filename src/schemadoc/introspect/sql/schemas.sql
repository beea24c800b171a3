SELECT n.nspname AS name
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc', 'public') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')  -- @own
ORDER BY 1
