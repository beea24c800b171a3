SELECT schemaname AS schema, tablename AS table_name, policyname AS name, permissive = 'PERMISSIVE' AS permissive,
       roles::text[] AS roles, cmd AS command, qual AS using, with_check AS "check"
FROM pg_policies
WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'schemadoc')
ORDER BY 1, 2, 3
