-- the REST API's schema cache (rest/cache.py): what only RPC needs of each exposed function. The
-- introspected model has the functions, their arguments and volatility; this adds, by the function's
-- identity (its input argument types), whether it returns a set, its return type and that type's kind,
-- the table whose row it returns, its RETURNS TABLE columns and every argument's type oid.
SELECT n.nspname, p.proname,
       coalesce((SELECT string_agg(format_type(x, NULL), ', ' ORDER BY o)
                 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(x, o)), ''),
       p.proretset, format_type(p.prorettype, NULL), t.typtype::text,
       (SELECT rn.nspname || '.' || rc.relname FROM pg_class rc
          JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE rc.oid = t.typrelid),
       (SELECT coalesce(array_agg(array[p.proargnames[o], format_type(x, NULL)] ORDER BY o), '{}')
          FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(x, o)
         WHERE p.proargmodes[o] = 't'),
       (SELECT coalesce(array_agg(array[p.proargnames[o], x::text] ORDER BY o), '{}')
          FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(x, o)
         WHERE p.proargnames IS NOT NULL)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_type t ON t.oid = p.prorettype
WHERE n.nspname = ANY(%s) AND p.prokind = 'f' AND p.prorettype <> 'trigger'::regtype
