-- the REST API's schema cache (rest/cache.py): relations
SELECT n.nspname, c.relname, c.relkind::text,
       coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod),
                                            'oid', a.atttypid,
                                            'nullable', NOT a.attnotnull, 'has_default', a.atthasdef
                                            OR a.attidentity <> '' OR a.attgenerated <> '',
                                            'default', CASE WHEN a.attidentity <> '' THEN format('nextval(%%L)',
                                              pg_get_serial_sequence(format('%%I.%%I', n.nspname, c.relname), a.attname))
                                              WHEN a.attgenerated = '' THEN (SELECT pg_get_expr(d.adbin, d.adrelid)
                                              FROM pg_attrdef d WHERE d.adrelid = c.oid AND d.adnum = a.attnum) END)
                         ORDER BY a.attnum) FILTER (WHERE a.attnum > 0), '[]'),
       (SELECT array_agg(att.attname ORDER BY k.ord) FROM pg_constraint pk
          CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k(num, ord)
          JOIN pg_attribute att ON att.attrelid = pk.conrelid AND att.attnum = k.num
        WHERE pk.conrelid = c.oid AND pk.contype = 'p'),
       pg_relation_is_updatable(c.oid, true)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = ANY(%s) AND NOT c.relispartition
GROUP BY n.nspname, c.relname, c.relkind, c.oid
