SELECT n.nspname AS schema, p.proname AS name, p.prokind AS kind,
       pg_get_function_result(p.oid) AS returns, l.lanname AS language,
-- @since 14
       CASE WHEN p.prosqlbody IS NULL THEN p.prosrc ELSE pg_get_function_sqlbody(p.oid) END AS body,
       p.prosqlbody IS NOT NULL AS standard_body,
-- @else
       p.prosrc AS body, false AS standard_body,
-- @end
       p.provolatile AS volatility, p.proisstrict AS strict, p.prosecdef AS security_definer,
       COALESCE(p.proargnames, ARRAY[]::text[]) AS arg_names,
       COALESCE(p.proargmodes::text[], ARRAY[]::text[]) AS arg_modes,
       ARRAY(SELECT format_type(t.oid, NULL) FROM unnest(COALESCE(p.proallargtypes, p.proargtypes::oid[])) WITH ORDINALITY u(oid, ord)
             JOIN pg_type t ON t.oid = u.oid ORDER BY u.ord)::text[] AS arg_types,
       p.pronargdefaults AS default_count,
       pg_get_expr(p.proargdefaults, 0) AS arg_defaults
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemadoc') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')  -- @own
ORDER BY 1, 2
