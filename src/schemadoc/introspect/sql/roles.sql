SELECT r.rolname AS name, r.rolcanlogin AS login
FROM pg_roles r
WHERE r.rolname = ANY(%(names)s)
ORDER BY 1
