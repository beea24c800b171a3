SELECT CASE c.relkind WHEN 'i' THEN 'INDEX' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                      ELSE 'SEQUENCE' END AS object_kind,
       n.nspname || '.' || c.relname AS object_name, d.description AS text
FROM pg_description d
JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = 0
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('i', 'v', 'm', 'S')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
       n.nspname || '.' || p.proname || '(' ||
       array_to_string(ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, o) ORDER BY o), ', ')
       || ')',
       d.description
FROM pg_description d
JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT 'TYPE', n.nspname || '.' || t.typname, d.description
FROM pg_description d
JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype IN ('e', 'd', 'c')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT 'SCHEMA', n.nspname, d.description
FROM pg_description d
JOIN pg_namespace n ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc', 'public') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2
