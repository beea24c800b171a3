SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS object_kind,
       n.nspname || '.' || c.relname AS object_name,
       acl.grantee::regrole::text AS grantee, acl.privilege_type AS privilege
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) acl
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND acl.grantee <> c.relowner AND acl.grantee <> 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
UNION ALL
SELECT 'SCHEMA', n.nspname, acl.grantee::regrole::text, acl.privilege_type
FROM pg_namespace n
CROSS JOIN LATERAL aclexplode(n.nspacl) acl
WHERE acl.grantee <> n.nspowner AND acl.grantee <> 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
  AND acl.grantee NOT IN (SELECT oid FROM pg_roles WHERE rolname LIKE 'pg\_%')
UNION ALL
SELECT 'DATABASE', '', acl.grantee::regrole::text, acl.privilege_type
FROM pg_database d
CROSS JOIN LATERAL aclexplode(d.datacl) acl
WHERE d.datname = current_database() AND acl.grantee <> d.datdba AND acl.grantee <> 0
ORDER BY 1, 2, 3, 4
