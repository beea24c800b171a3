SELECT con.conrelid AS table_oid, n.nspname AS table_schema, c.relname AS table_name,
       con.conname AS name, con.contype AS kind,
       -- each column by its key in pg_attribute's (attrelid, attnum) index: a lookup, not a join to sort
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.num)
             FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) ORDER BY k.ord)::text[] AS columns,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid)
            WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END AS expression,
       con.connoinherit AS no_inherit,
       fn.nspname AS ref_schema, fc.relname AS ref_table,
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = k.num)
             FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) ORDER BY k.ord)::text[] AS ref_columns,
       con.confdeltype AS on_delete, con.confupdtype AS on_update, con.confmatchtype AS match_type,
       con.condeferrable AS deferrable, con.condeferred AS initially_deferred,
-- @since 15
       COALESCE((SELECT i.indnullsnotdistinct FROM pg_index i WHERE i.indexrelid = con.conindid), false) AS nulls_not_distinct
-- @else
       false AS nulls_not_distinct
-- @end
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND c.relkind IN ('r', 'p')
  AND con.conparentid = 0  -- @clones: AND con.conparentid <> 0 AND con.contype <> 'c'
  -- a CHECK a parent passes down is the parent's, also where the child had it first (INHERIT merged them)
  AND (con.contype <> 'c' OR (con.conislocal AND con.coninhcount = 0))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY con.conrelid, con.conname
