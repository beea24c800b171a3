"""Read SQL blocks with pglast (PostgreSQL's own parser) into the schema builder."""

from __future__ import annotations

from dataclasses import replace

from pglast import ast
from pglast.enums import (
    ConstrType,
    GrantTargetType,
    ObjectType,
    PartitionStrategy,
    RoleStmtType,
)
from pglast.stream import RawStream

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import quote_ident, quote_literal
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.nodes import deparse, expression_columns, names_of, relations_of
from schemadoc.parse.statements import Extra, Statement, line_col
from schemadoc.types import format_type, serial_base

_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_TRIGGER_EVENTS = ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE"))
_STRATEGY = {
    PartitionStrategy.PARTITION_STRATEGY_RANGE: "RANGE",
    PartitionStrategy.PARTITION_STRATEGY_LIST: "LIST",
    PartitionStrategy.PARTITION_STRATEGY_HASH: "HASH",
}


class SqlReader:
    """Turns parsed statements into builder drafts; keeps non-schema statements as extras."""

    def __init__(self, builder: SchemaBuilder, path: str, default_schema: str = "public") -> None:
        self.b = builder
        self.path = path
        self.default_schema = default_schema
        self.extras: list[Extra] = []
        self.database_names: list[str] = []

    def at(self, st: Statement, location: int | None) -> Span:
        """The position of a node inside the statement (its own line), else the statement's."""
        if location is None or location < 0 or not st.source:
            return self.span(st)
        line, col = line_col(st.source, st.offset + location, st.base_line)
        return Span(self.path, line, col)

    def span(self, st: Statement) -> Span:
        """The statement's place, its last line included."""
        return Span(self.path, st.line, st.col, st.end_line)

    def schema_of(self, rv: ast.RangeVar) -> str:
        return rv.schemaname or self.default_schema

    # -- dispatch -------------------------------------------------------------------------------

    def read(self, st: Statement, heading: str) -> None:
        node = st.node
        handler = getattr(self, "on_" + type(node).__name__, None)
        if handler is not None and handler(node, st) is not False:  # False: not a kind this reader models
            return
        kind = {
            "InsertStmt": "seed",
            "CopyStmt": "seed",
            "SelectStmt": "query",
            "PrepareStmt": "query",
            "ExecuteStmt": "query",
            "ExplainStmt": "query",
            "UpdateStmt": "query",
            "DeleteStmt": "query",
            "VacuumStmt": "maintenance",
            "ReindexStmt": "maintenance",
            "ClusterStmt": "maintenance",
            "TransactionStmt": "transaction",
            "VariableSetStmt": "other",
            "DropStmt": "other",
        }.get(type(node).__name__, "other")
        self.extras.append(Extra(kind, st, heading))
        what = {
            "seed": "seed rows, kept for `schemadoc seed` and not applied as schema",
            "query": "a documented query, kept and not applied",
            "maintenance": "maintenance, kept and not applied",
        }.get(kind)
        if kind == "other" and type(node).__name__ not in ("VariableSetStmt", "DropStmt"):
            what = f"{type(node).__name__.removesuffix('Stmt')} statement, not part of the schema model; not applied"
        if what is not None:
            self.b.report("SD010", Severity.INFO, f"{what}", self.span(st))

    # -- tables ---------------------------------------------------------------------------------

    def on_CreateStmt(self, node: ast.CreateStmt, st: Statement) -> None:
        rv = node.relation
        span = self.span(st)
        d = TableDraft(self.schema_of(rv), rv.relname, "sql", span)
        d.unlogged = rv.relpersistence == "u"
        self.b.schemas.add(d.schema)
        for el in node.tableElts or ():
            if isinstance(el, ast.ColumnDef):
                self._column(d, el, self.at(st, el.location), st)
            elif isinstance(el, ast.Constraint):
                self._constraint(d, el, self.at(st, el.location), column=None)
            else:
                self.b.report(
                    "SD011",
                    Severity.WARNING,
                    f"{type(el).__name__} in CREATE TABLE {rv.relname} is not supported and is left out",
                    span,
                )
        if node.partspec is not None:
            params = []
            for p in node.partspec.partParams:
                params.append(quote_ident(p.name) if p.name else f"({deparse(p.expr)})")
            d.partition_by = f"{_STRATEGY.get(node.partspec.strategy, 'RANGE')} ({', '.join(params)})"
        if node.partbound is not None:
            parent = node.inhRelations[0]
            d.partition_of = m.qualify(self.schema_of(parent), parent.relname)
            d.partition_bound = _partition_bound(node.partbound)
        elif node.inhRelations:
            d.inherits = tuple(m.qualify(self.schema_of(p), p.relname) for p in node.inhRelations)
        self.b.add_table(d)

    def _column(self, d: TableDraft, col: ast.ColumnDef, span: Span, st: Statement | None = None) -> None:
        type_name = col.typeName
        serial = serial_base(type_name)
        col_type = serial or format_type(type_name, self.default_schema)
        column = m.Column(col.colname, col_type, span=span)
        if col.collClause is not None and not serial:
            column = replace(column, collation=self.collation_ref(names_of(col.collClause.collname)))
        if serial:
            seq = f"{d.name}_{col.colname}_seq"
            column = replace(
                column,
                not_null=True,
                default=f"nextval({quote_literal(_seq_regclass(d.schema, seq, self.default_schema))}::regclass)",
            )
        for c in col.constraints or ():
            ct = c.contype
            if ct == ConstrType.CONSTR_NOTNULL:
                column = replace(column, not_null=True)
            elif ct == ConstrType.CONSTR_NULL:
                column = replace(column, not_null=False)
            elif ct == ConstrType.CONSTR_DEFAULT:
                column = replace(column, default=deparse(c.raw_expr))
            elif ct == ConstrType.CONSTR_IDENTITY:
                column = replace(column, not_null=True, identity="always" if c.generated_when == "a" else "by default")
            elif ct == ConstrType.CONSTR_GENERATED:
                column = replace(column, generated=deparse(c.raw_expr))
            else:
                self._constraint(d, c, self.at(st, c.location) if st else span, column=col.colname)
        d.columns[col.colname] = column

    def _constraint(self, d: TableDraft, c: ast.Constraint, span: Span, column: str | None) -> None:
        ct = c.contype
        cols = (column,) if column else tuple(names_of(c.keys))
        draft = ConstraintDraft(
            kind="",
            name=c.conname,
            span=span,
            column_level=column is not None,
            deferrable=bool(c.deferrable),
            initially_deferred=bool(c.initdeferred),
        )
        if ct == ConstrType.CONSTR_PRIMARY:
            draft.kind, draft.columns = "primary", cols
        elif ct == ConstrType.CONSTR_UNIQUE:
            draft.kind, draft.columns = "unique", cols
            draft.nulls_not_distinct = bool(c.nulls_not_distinct)
        elif ct == ConstrType.CONSTR_CHECK:
            draft.kind = "check"
            draft.expression = deparse(c.raw_expr)
            draft.expression_columns = expression_columns(c.raw_expr)
        elif ct == ConstrType.CONSTR_FOREIGN:
            pk = c.pktable
            draft.kind = "foreign"
            draft.columns = (column,) if column else tuple(names_of(c.fk_attrs))
            draft.ref_schema = self.schema_of(pk)
            draft.ref_table = pk.relname or ""
            draft.ref_columns = tuple(names_of(c.pk_attrs))
            draft.on_delete = _FK_ACTIONS.get(c.fk_del_action, "NO ACTION")
            draft.on_update = _FK_ACTIONS.get(c.fk_upd_action, "NO ACTION")
            draft.match_full = c.fk_matchtype == "f"
        elif ct == ConstrType.CONSTR_EXCLUSION:
            elems = ", ".join(f"{_index_key(e)} WITH {'.'.join(names_of(ops))}" for e, ops in c.exclusions or ())
            draft.kind = "exclude"
            draft.expression = f"EXCLUDE USING {c.access_method or 'gist'} ({elems})"
            if c.where_clause is not None:
                draft.expression += f" WHERE ({deparse(c.where_clause)})"
            draft.columns = tuple(e.name if e.name else "expr" for e, _ in c.exclusions or ())
        elif ct in (
            ConstrType.CONSTR_ATTR_DEFERRABLE,
            ConstrType.CONSTR_ATTR_NOT_DEFERRABLE,
            ConstrType.CONSTR_ATTR_DEFERRED,
            ConstrType.CONSTR_ATTR_IMMEDIATE,
        ):
            if d.constraints:
                last = d.constraints[-1]
                if ct == ConstrType.CONSTR_ATTR_DEFERRABLE:
                    last.deferrable = True
                elif ct == ConstrType.CONSTR_ATTR_DEFERRED:
                    last.deferrable = last.initially_deferred = True
            return
        else:
            self.b.report(
                "SD011",
                Severity.WARNING,
                f"{ct.name.removeprefix('CONSTR_')} constraint on {d.name} is not modelled and is left out",
                span,
            )
            return
        self.b.add_constraint(d, draft)

    # -- other objects --------------------------------------------------------------------------

    def on_IndexStmt(self, node: ast.IndexStmt, st: Statement) -> None:
        rv = node.relation
        schema = self.schema_of(rv)
        keys = tuple(_index_key(e) for e in node.indexParams)
        name = node.idxname or _default_index_name(rv.relname, node.indexParams)
        ix = m.Index(
            schema=schema,
            name=name,
            table=rv.relname,
            keys=keys,
            unique=bool(node.unique),
            method=(node.accessMethod or "btree").lower(),
            where=deparse(node.whereClause) if node.whereClause is not None else None,
            include=tuple(e.name for e in node.indexIncludingParams or () if e.name),
            nulls_not_distinct=bool(node.nulls_not_distinct),
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.indexes, ix.key, ix, "index")

    def on_CreateEnumStmt(self, node: ast.CreateEnumStmt, st: Statement) -> None:
        names = names_of(node.typeName)
        schema = names[0] if len(names) > 1 else self.default_schema
        e = m.Enum(schema, names[-1], tuple(names_of(node.vals)), span=self.span(st))
        self.b.add_unique_object(self.b.enums, e.key, e, "type")

    def on_CompositeTypeStmt(self, node: ast.CompositeTypeStmt, st: Statement) -> None:
        rv = node.typevar
        attrs = tuple((c.colname, format_type(c.typeName, self.default_schema)) for c in node.coldeflist or ())
        t = m.CompositeType(self.schema_of(rv), rv.relname, attrs, span=self.span(st))
        self.b.add_unique_object(self.b.composites, t.key, t, "type")

    def on_CreateDomainStmt(self, node: ast.CreateDomainStmt, st: Statement) -> None:
        names = names_of(node.domainname)
        schema = names[0] if len(names) > 1 else self.default_schema
        not_null, default = False, None
        checks: list[m.Check] = []
        for c in node.constraints or ():
            if c.contype == ConstrType.CONSTR_NOTNULL:
                not_null = True
            elif c.contype == ConstrType.CONSTR_DEFAULT:
                default = deparse(c.raw_expr)
            elif c.contype == ConstrType.CONSTR_CHECK:
                name = c.conname
                if not name:  # as PostgreSQL chooses: domain_check, domain_check1, domain_check2, …
                    taken = {k.name for k in checks}
                    name = next(n for i in range(len(checks) + 2) if (n := f"{names[-1]}_check{i or ''}") not in taken)
                checks.append(m.Check(name, deparse(c.raw_expr)))
        dom = m.Domain(
            schema,
            names[-1],
            format_type(node.typeName, self.default_schema),
            not_null,
            default,
            tuple(checks),
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.domains, dom.key, dom, "domain")

    def collation_ref(self, names: list[str]) -> str | None:
        """A COLLATE clause as the model keeps it: "schema.name" for the doc's own collations, the bare name
        for PostgreSQL's ("C", "und-x-icu"), None for "default" (the type's own)."""
        if len(names) == 2 and names[0] != "pg_catalog":
            return m.qualify(names[0], names[1])
        name = names[-1]
        if len(names) == 1 and m.qualify(self.default_schema, name) in self.b.collations:
            return m.qualify(self.default_schema, name)
        return None if name == "default" else name

    def on_DefineStmt(self, node: ast.DefineStmt, st: Statement) -> bool:
        if node.kind != ObjectType.OBJECT_COLLATION:
            return False  # CREATE AGGREGATE, OPERATOR, TYPE (base): not modelled, said as any other statement
        names = names_of(node.defnames)
        schema = names[0] if len(names) == 2 else self.default_schema
        options: dict[str, str] = {}
        for opt in node.definition or ():
            arg = opt.arg
            if isinstance(arg, ast.TypeName):
                options[opt.defname] = names_of(arg.names)[-1]
            elif isinstance(arg, tuple):
                options[opt.defname] = names_of(arg)[-1]
            elif isinstance(arg, ast.String):
                options[opt.defname] = arg.sval or ""
            elif isinstance(arg, ast.Boolean):
                options[opt.defname] = "true" if arg.boolval else "false"
            else:
                options[opt.defname] = str(getattr(arg, "sval", arg))
        collation = m.Collation(schema, names[-1], span=self.span(st))
        if "from" in options:
            source = self.b.collations.get(m.qualify(self.default_schema, options["from"]))
            if source is None and options["from"] in ("C", "POSIX", "ucs_basic"):
                source = m.Collation(schema, names[-1], "libc", options["from"], options["from"])
            if source is None:
                self.b.report(
                    "SD011",
                    Severity.WARNING,
                    f'collation {names[-1]} copies "{options["from"]}", which the document does not define; '
                    "it is left out",
                    self.span(st),
                    help="write its provider and locale: CREATE COLLATION name (provider = icu, locale = '…')",
                )
                return True
            collation = replace(source, schema=schema, name=names[-1], span=self.span(st))
        else:
            locale = options.get("locale")
            collation = replace(
                collation,
                provider=options.get("provider", "libc").lower(),
                lc_collate=options.get("lc_collate", locale),
                lc_ctype=options.get("lc_ctype", locale),
                deterministic=options.get("deterministic", "true").lower() not in ("false", "off", "0", "no"),
            )
        self.b.schemas.add(schema)
        self.b.add_unique_object(self.b.collations, collation.key, collation, "collation")
        return True

    def on_CreateExtensionStmt(self, node: ast.CreateExtensionStmt, st: Statement) -> None:
        schema = version = None
        for opt in node.options or ():
            if opt.defname == "schema":
                schema = opt.arg.sval
            elif opt.defname == "new_version":
                version = opt.arg.sval
        self.b.extensions[node.extname] = m.Extension(node.extname, schema, span=self.span(st), version=version)

    def on_CreateSchemaStmt(self, node: ast.CreateSchemaStmt, st: Statement) -> None:
        if node.schemaname:
            self.b.schemas.add(node.schemaname)

    def on_CreateSeqStmt(self, node: ast.CreateSeqStmt, st: Statement) -> None:
        rv = node.sequence
        opts = {o.defname: o.arg for o in node.options or ()}

        def num(key: str, default: int | None) -> int | None:
            v = opts.get(key)
            if v is None:
                return default
            return int(getattr(v, "ival", getattr(v, "fval", default)))

        seq_type = format_type(opts["as"], self.default_schema) if "as" in opts else "bigint"
        seq = m.Sequence(
            self.schema_of(rv),
            rv.relname,
            seq_type,
            start=num("start", 1) or 1,
            increment=num("increment", 1) or 1,
            min_value=num("minvalue", None),
            max_value=num("maxvalue", None),
            cache=num("cache", 1) or 1,
            cycle="cycle" in opts and bool(getattr(opts["cycle"], "boolval", True)),
            span=self.span(st),
        )
        self.b.sequences[seq.key] = seq

    def on_CreateFunctionStmt(self, node: ast.CreateFunctionStmt, st: Statement) -> None:
        names = names_of(node.funcname)
        schema = names[0] if len(names) > 1 else self.default_schema
        args: list[m.Argument] = []
        table_cols: list[str] = []
        for p in node.parameters or ():
            mode = {"i": "IN", "o": "OUT", "b": "INOUT", "v": "VARIADIC", "t": "TABLE"}.get(p.mode, "IN")
            typ = format_type(p.argType, self.default_schema)
            if mode == "TABLE":
                table_cols.append(f"{quote_ident(p.name)} {typ}")
                continue
            args.append(m.Argument(p.name, typ, mode, deparse(p.defexpr) if p.defexpr is not None else None))
        language, body, volatility, strict, secdef = "sql", "", "VOLATILE", False, False
        for opt in node.options or ():
            if opt.defname == "language":
                language = opt.arg.sval.lower()
            elif opt.defname == "as":
                parts = names_of(opt.arg)
                body = parts[0] if len(parts) == 1 else ", ".join(parts)
            elif opt.defname == "volatility":
                volatility = opt.arg.sval.upper()
            elif opt.defname == "strict":
                strict = bool(opt.arg.boolval)
            elif opt.defname == "security":
                secdef = bool(opt.arg.boolval)
        if node.sql_body is not None:  # RETURN expr, or BEGIN ATOMIC …; … END: kept as the server prints it
            printed = str(RawStream()(node))
            at = printed.rfind("BEGIN ATOMIC") if isinstance(node.sql_body, tuple) else -1
            body = printed[at:] if at >= 0 else deparse(node.sql_body)
        if table_cols:
            returns = f"TABLE({', '.join(table_cols)})"
        elif node.returnType is not None:
            returns = format_type(node.returnType, self.default_schema)
        else:
            returns = "void" if not node.is_procedure else ""
        f = m.Function(
            schema,
            names[-1],
            tuple(args),
            returns,
            language,
            body,
            volatility,
            strict,
            secdef,
            kind="procedure" if node.is_procedure else "function",
            standard_body=node.sql_body is not None,
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.functions, f.key, f, "function")

    def on_CreateTrigStmt(self, node: ast.CreateTrigStmt, st: Statement) -> None:
        rv = node.relation
        timing = "BEFORE" if node.timing & 2 else "INSTEAD OF" if node.timing & 64 else "AFTER"
        events = tuple(name for bit, name in _TRIGGER_EVENTS if node.events & bit)
        fn = names_of(node.funcname)
        t = m.Trigger(
            schema=self.schema_of(rv),
            table=rv.relname,
            name=node.trigname,
            timing=timing,
            events=events,
            function=m.qualify(fn[0], fn[1]) if len(fn) > 1 else m.qualify(self.default_schema, fn[0]),
            for_each_row=bool(node.row),
            update_columns=tuple(names_of(node.columns)),
            arguments=tuple(names_of(node.args)),
            when=deparse(node.whenClause) if node.whenClause is not None else None,
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.triggers, t.key, t, "trigger")

    def on_ViewStmt(self, node: ast.ViewStmt, st: Statement) -> None:
        rv = node.view
        v = m.View(
            self.schema_of(rv),
            rv.relname,
            deparse(node.query),
            depends_on=relations_of(node.query, self.default_schema),
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.views, v.key, v, "view")

    def on_CreateTableAsStmt(self, node: ast.CreateTableAsStmt, st: Statement) -> None:
        if node.objtype != ObjectType.OBJECT_MATVIEW:
            self.extras.append(Extra("other", st, ""))
            self.b.report(
                "SD010",
                Severity.INFO,
                "CREATE TABLE AS is not part of the schema model and is not applied",
                self.span(st),
            )
            return
        rv = node.into.rel
        v = m.View(
            self.schema_of(rv),
            rv.relname,
            deparse(node.query),
            materialized=True,
            depends_on=relations_of(node.query, self.default_schema),
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.views, v.key, v, "materialized view")

    def on_CreatePolicyStmt(self, node: ast.CreatePolicyStmt, st: Statement) -> None:
        rv = node.table
        roles = tuple(_role_name(r) for r in node.roles or ()) or ("public",)
        p = m.Policy(
            schema=self.schema_of(rv),
            table=rv.relname,
            name=node.policy_name,
            command=(node.cmd_name or "all").upper(),
            permissive=bool(node.permissive),
            roles=tuple(sorted(roles)),
            using=deparse(node.qual) if node.qual is not None else None,
            check=deparse(node.with_check) if node.with_check is not None else None,
            span=self.span(st),
        )
        self.b.add_unique_object(self.b.policies, p.key, p, "policy")

    def on_CreateRoleStmt(self, node: ast.CreateRoleStmt, st: Statement) -> None:
        login = node.stmt_type == RoleStmtType.ROLESTMT_USER
        password = False
        for opt in node.options or ():
            if opt.defname == "canlogin":
                login = bool(opt.arg.boolval)
            elif opt.defname == "password" and opt.arg is not None:
                password = True
                self.b.report(
                    "SD050",
                    Severity.WARNING,
                    f'the document writes a password for role "{node.role}"; schemadoc creates the role without it',
                    self.at(st, opt.location),
                    help=f"remove the password from the document and set it out of band "
                    f"(ALTER ROLE {quote_ident(node.role)} PASSWORD … from a secret store)",
                )
        self.b.roles[node.role] = m.Role(node.role, login, password, span=self.span(st))

    def on_GrantStmt(self, node: ast.GrantStmt, st: Statement) -> None:
        if not node.is_grant:
            self.extras.append(Extra("other", st, ""))
            return
        privs = tuple(sorted((p.priv_name or "all").upper() for p in node.privileges or ())) or ("ALL",)
        grantees = [_role_name(g) for g in node.grantees or ()]
        kind = {
            ObjectType.OBJECT_TABLE: "TABLE",
            ObjectType.OBJECT_SEQUENCE: "SEQUENCE",
            ObjectType.OBJECT_SCHEMA: "SCHEMA",
            ObjectType.OBJECT_DATABASE: "DATABASE",
            ObjectType.OBJECT_FUNCTION: "FUNCTION",
        }.get(node.objtype)
        if kind is None:
            self.b.report("SD010", Severity.INFO, "this GRANT is not modelled and is not applied", self.span(st))
            return
        span = self.span(st)
        targets: list[tuple[str, str]] = []
        if node.targtype == GrantTargetType.ACL_TARGET_ALL_IN_SCHEMA:
            for schema in names_of(node.objects):
                targets.append((kind, f"ALL IN SCHEMA {schema}"))
        else:
            for obj in node.objects or ():
                if isinstance(obj, ast.RangeVar):
                    targets.append((kind, m.qualify(self.schema_of(obj), obj.relname)))
                elif isinstance(obj, ast.String):
                    if kind == "DATABASE":
                        self.database_names.append(obj.sval)
                        targets.append((kind, ""))  # the database schemadoc applies to
                    else:
                        targets.append((kind, obj.sval))
                elif isinstance(obj, ast.ObjectWithArgs):
                    targets.append((kind, ".".join(names_of(obj.objname))))
        for grantee in grantees:
            for k, name in targets:
                self.b.grants.append(m.Grant(k, name, grantee, privs, span=span))

    def on_AlterTableStmt(self, node: ast.AlterTableStmt, st: Statement) -> None:
        self.b.deferred.append(("alter", self.span(st), node))

    def on_CommentStmt(self, node: ast.CommentStmt, st: Statement) -> None:
        self.b.deferred.append(("comment", self.span(st), node))

    def on_CreatedbStmt(self, node: ast.CreatedbStmt, st: Statement) -> None:
        self.database_names.append(node.dbname)


def _seq_regclass(schema: str, seq: str, default_schema: str) -> str:
    """How regclass output names a sequence: quoted when needed, qualified outside the search path."""
    name = quote_ident(seq)
    return name if schema == default_schema else f"{quote_ident(schema)}.{name}"


def _role_name(spec: ast.RoleSpec) -> str:
    if spec.rolename:
        return spec.rolename
    return {1: "current_role", 2: "current_user", 3: "session_user"}.get(int(spec.roletype), "public")


def _index_key(e: ast.IndexElem) -> str:
    text = e.name if e.name else f"({deparse(e.expr)})"
    if e.opclass:
        text += " " + ".".join(names_of(e.opclass))
    if e.ordering and int(e.ordering) == 2:
        text += " DESC"
    if e.nulls_ordering and int(e.nulls_ordering) == 1:
        text += " NULLS FIRST"
    elif e.nulls_ordering and int(e.nulls_ordering) == 2:
        text += " NULLS LAST"
    return text


def _default_index_name(table: str, params: tuple[ast.IndexElem, ...]) -> str:
    from schemadoc.names import make_object_name

    cols = "_".join(p.name if p.name else "expr" for p in params)
    return make_object_name(table, cols, "idx")


def _partition_bound(b: ast.PartitionBoundSpec) -> str:
    if b.is_default:
        return "DEFAULT"
    if b.strategy == "h":
        return f"FOR VALUES WITH (MODULUS {b.modulus}, REMAINDER {b.remainder})"
    if b.strategy == "l":
        return f"FOR VALUES IN ({', '.join(deparse(x) for x in b.listdatums)})"
    lo = ", ".join(deparse(x) for x in b.lowerdatums)
    hi = ", ".join(deparse(x) for x in b.upperdatums)
    return f"FOR VALUES FROM ({lo}) TO ({hi})"
