-- the REST API's schema cache (rest/cache.py): what only the API needs of each exposed relation. The
-- introspected model has the tables, their columns and keys; this adds each relation's kind, what it allows
-- (pg_relation_is_updatable: 4 UPDATE, 8 INSERT, 16 DELETE), every column's type oid, an identity column's
-- sequence as a default (for Prefer: missing=default), and the columns of what the model holds none for
-- (views, materialized views, foreign tables).
SELECT n.nspname, c.relname, c.relkind::text, pg_relation_is_updatable(c.oid, true),
       coalesce(json_agg(json_build_object(
         'name', a.attname, 'oid', a.atttypid,
         'identity', CASE WHEN a.attidentity <> '' THEN format('nextval(%%L)',
                       pg_get_serial_sequence(format('%%I.%%I', n.nspname, c.relname), a.attname)) END,
         'type', CASE WHEN c.relkind IN ('v', 'm', 'f') THEN format_type(a.atttypid, a.atttypmod) END,
         'nullable', NOT a.attnotnull,
         'has_default', a.atthasdef,
         'default', CASE WHEN c.relkind IN ('v', 'm', 'f') THEN (SELECT pg_get_expr(d.adbin, d.adrelid)
                      FROM pg_attrdef d WHERE d.adrelid = c.oid AND d.adnum = a.attnum) END)
         ORDER BY a.attnum) FILTER (WHERE a.attnum > 0), '[]')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = ANY(%s) AND NOT c.relispartition
GROUP BY n.nspname, c.relname, c.relkind, c.oid
