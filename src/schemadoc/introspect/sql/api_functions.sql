-- the REST API's schema cache (rest/cache.py): functions
SELECT n.nspname, p.proname, p.provolatile::text, p.proretset, format_type(p.prorettype, NULL),
       t.typtype::text, (SELECT rn.nspname || '.' || rc.relname FROM pg_class rc
                          JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE rc.oid = t.typrelid),
       coalesce(p.proargnames, '{}'), coalesce(p.proargmodes::text[], '{}'),
       (SELECT array_agg(format_type(x, NULL) ORDER BY o)
          FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(x, o)),
       p.pronargdefaults,
       coalesce(p.proallargtypes, p.proargtypes::oid[])::int8[]
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_type t ON t.oid = p.prorettype
WHERE n.nspname = ANY(%s) AND p.prokind = 'f' AND p.prorettype <> 'trigger'::regtype
