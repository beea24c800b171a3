SELECT n.nspname AS schema, c.collname AS name,
       CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END AS provider,
-- @since 17
       COALESCE(c.colllocale, c.collcollate) AS lc_collate, COALESCE(c.colllocale, c.collctype) AS lc_ctype,
-- @else
-- @since 15
       COALESCE(c.colliculocale, c.collcollate) AS lc_collate, COALESCE(c.colliculocale, c.collctype) AS lc_ctype,
-- @else
       c.collcollate AS lc_collate, c.collctype AS lc_ctype,
-- @end
-- @end
       c.collisdeterministic AS deterministic
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass AND d.objid = c.oid AND d.deptype = 'e')  -- @own
ORDER BY 1, 2
