"""What a doc gets on a server that lacks an extension it creates (a wheel's PostgreSQL, a managed one).

uuid-ossp is stood in for whatever the server, since its functions have a core equivalent
(`gen_random_uuid()`, PostgreSQL 13+): a doc's `DEFAULT uuid_generate_v4()` works, with a warning at the
`CREATE EXTENSION` line. Any other missing extension is left out under `--fix` (`without_extensions`),
its columns' types becoming text, and the objects that need it are left out by the best-effort apply,
each reported at its line; without `--fix` the doc is refused before anything is applied.
"""

from __future__ import annotations

from schemadoc import model as m
from schemadoc.errors import Diagnostic, Severity
from schemadoc.parse.conventions import extension_of_type

# uuid-ossp's functions that have a core equivalent; v1/v1mc/v3/v5 are not random, so they are not faked
_UUID_OSSP = {
    "uuid_generate_v4": "SELECT gen_random_uuid()",
    "uuid_nil": "SELECT '00000000-0000-0000-0000-000000000000'::uuid",
}


def stand_in_for(schema: m.Schema, missing: list[m.Extension]) -> tuple[m.Schema, list[m.Extension], list[Diagnostic]]:
    """(schema with stand-ins, the extensions still missing, a warning for each stood-in one)."""
    still: list[m.Extension] = []
    notes: list[Diagnostic] = []
    functions = list(schema.functions)
    extensions = list(schema.extensions)
    for ext in missing:
        if ext.name != "uuid-ossp":
            still.append(ext)
            continue
        where = ext.schema or "public"
        have = {(f.schema, f.name) for f in functions}
        for name, body in _UUID_OSSP.items():
            if (where, name) not in have:
                functions.append(m.Function(where, name, (), "uuid", "sql", body, volatility="VOLATILE", span=ext.span))
        extensions.remove(ext)
        notes.append(
            Diagnostic(
                "SD082",
                Severity.WARNING,
                'extension "uuid-ossp" is not available on this server: uuid_generate_v4() and uuid_nil() '
                "are provided on gen_random_uuid() instead",
                ext.span,
                help="its other functions (uuid_generate_v1, _v3, _v5) are not; "
                "on PostgreSQL 13+ gen_random_uuid() needs no extension at all",
            )
        )
    if not notes:
        return schema, missing, []
    return schema.with_(functions=tuple(functions), extensions=tuple(extensions)), still, notes


def without_extensions(schema: m.Schema, missing: list[m.Extension]) -> tuple[m.Schema, list[Diagnostic]]:
    """Best effort (`up --fix`) on a server without some extensions: they are left out, and a column of
    one of their types becomes text; a warning for each."""
    gone = {e.name for e in missing}
    notes = [
        Diagnostic(
            "SD081",
            Severity.WARNING,
            f'extension "{e.name}" is not available on this server: left out',
            e.span,
            help="install it on the server for the columns and functions that need it",
        )
        for e in missing
    ]
    tables = []
    for t in schema.tables:
        columns = []
        for c in t.columns:
            if extension_of_type(c.type) in gone:
                notes.append(
                    Diagnostic(
                        "SD081",
                        Severity.WARNING,
                        f'{t.name}.{c.name} is of type {c.type}, which extension "{extension_of_type(c.type)}" '
                        "provides: created as text",
                        c.span,
                    )
                )
                c = m.replace(c, type="text" + "[]" * c.type.count("[]"), default=None)
            columns.append(c)
        tables.append(m.replace(t, columns=tuple(columns)))
    extensions = tuple(e for e in schema.extensions if e.name not in gone)
    return schema.with_(tables=tuple(tables), extensions=extensions), notes
