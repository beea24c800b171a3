-- the REST API's schema cache (rest/cache.py): foreign keys
SELECT con.conname, sn.nspname, s.relname, tn.nspname, t.relname,
       (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num),
       (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num),
       EXISTS (SELECT 1 FROM pg_constraint u WHERE u.conrelid = con.conrelid AND u.contype IN ('p', 'u')
               AND (SELECT array_agg(x ORDER BY x) FROM unnest(u.conkey) x)
                 = (SELECT array_agg(x ORDER BY x) FROM unnest(con.conkey) x))
FROM pg_constraint con
JOIN pg_class s ON s.oid = con.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE con.contype = 'f' AND sn.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT s.relispartition
