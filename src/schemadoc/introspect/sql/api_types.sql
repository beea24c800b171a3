-- the REST API's schema cache (rest/cache.py): types
-- Types a request may name (a cast in `select`) or a column or argument has, by oid: pg_catalog's (not
-- its tables' row types) and the exposed schemas' (pseudo-types excluded), plus any other a column or argument uses. An array type
-- is its element type's name with [] (PostgreSQL's arrays do not depend on their dimensions).
SELECT t.oid::int8, coalesce(en.nspname, n.nspname), coalesce(e.typname, t.typname), format_type(t.oid, NULL),
       e.oid IS NOT NULL
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typlen = -1 AND t.typelem <> 0
LEFT JOIN pg_namespace en ON en.oid = e.typnamespace
WHERE t.typtype <> 'p'
  AND ((n.nspname = 'pg_catalog' AND t.typrelid = 0) OR n.nspname = ANY(%s) OR t.oid = ANY(%s::int8[]::oid[]))
