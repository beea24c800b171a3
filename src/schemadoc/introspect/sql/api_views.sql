-- the REST API's schema cache (rest/cache.py): views
-- run with an empty search_path, so that every relation in a definition is schema-qualified
SELECT n.nspname, c.relname, pg_get_viewdef(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY(%s)
