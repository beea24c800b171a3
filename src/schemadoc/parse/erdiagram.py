"""What an ER diagram (mermaid `erDiagram`) says about the tables, once every other format is read.

An entity is a table unless something richer (SQL, Prisma, a table of columns) describes it — matched
loosely, so `USER` in the diagram is the `users` of the SQL. An entity's name is its table's name as
an unquoted SQL identifier would be (`USER`: user, `LINE-ITEM`: line_item; `CompanyIndustry` stays).
A name only a relationship mentions is a table too, with its key. Relationships are carried by the
attributes marked FK (named for their table, or saying it: `FK "→ TOKEN"`); between tables the diagram
gives no attributes, by a `<parent>_id` column on the many side. A relationship nothing carries is a
warning (or, in a Prisma doc, the implicit many-to-many table Prisma would make).
"""

from __future__ import annotations

from schemadoc import model as m
from schemadoc.errors import Severity, Span
from schemadoc.names import quote_ident, singular, snake_case
from schemadoc.parse.builder import ConstraintDraft, SchemaBuilder, TableDraft
from schemadoc.parse.mermaid import Attribute, Diagram, Relationship
from schemadoc.parse.orm import enum_values, orm_type
from schemadoc.parse.prisma import PrismaSchema
from schemadoc.parse.prisma import table_name as prisma_table_name
from schemadoc.parse.prismamap import PrismaMapper
from schemadoc.parse.references import find_table, foreign_key_note, name_stem, stem_tables


def table_name(entity: str) -> str:
    """An entity's table: as written, but an all-caps name folds as an unquoted identifier does."""
    name = entity.replace("-", "_")
    return name.lower() if name.upper() == name else name


def apply_diagram(
    b: SchemaBuilder, diagram: Diagram, path: str, prisma: bool, prisma_schema: PrismaSchema, table_models: PrismaSchema
) -> None:
    """Entities define tables nothing else defines; relationships are carried by keys, or said not to be."""
    models = {**prisma_schema.models, **table_models.models}
    drafts: dict[str, TableDraft] = {}  # entity name as the diagram writes it -> its table
    for entity in diagram.entities.values():
        known = _known(b, entity.name)
        if known is not None:
            drafts[entity.name] = known
            continue
        if entity.name in models:
            continue
        drafts[entity.name] = _entity_table(b, entity, path)
    for rel in diagram.relationships:
        for side in (rel.left, rel.right):
            if side in drafts:
                continue
            known = _known(b, side)
            if known is None and side in models:  # a Prisma model: its table may be @@map'ed to another name
                known = _known(b, prisma_table_name(models[side]))
            if known is not None:
                drafts[side] = known
            elif side not in models:
                drafts[side] = _key_only(b, side, rel.line, path)
    _infer_diagram_keys(b, diagram, drafts, path)
    for rel in diagram.relationships:
        left, right = drafts.get(rel.left), drafts.get(rel.right)
        span = Span(path, rel.line, 1)
        if left is None or right is None:
            missing = rel.left if left is None else rel.right
            b.report(
                "SD120", Severity.WARNING, f'ER diagram relationship names "{missing}", which no table defines', span
            )
            continue
        if _carried(left, right) or left is right:
            continue
        if prisma and (rel.left_many or rel.right_many) and rel.left in models and rel.right in models:
            a_name, b_name = sorted([rel.left, rel.right])
            join = f"_{a_name}To{b_name}"
            if m.qualify("public", join) in b.tables:
                continue
            mapper = PrismaMapper(
                PrismaSchema(models=models, enums={**prisma_schema.enums, **table_models.enums}), b, path
            )
            mapper.add_join_table(models[a_name], models[b_name], None, rel.line)
            b.report(
                "SD121",
                Severity.INFO,
                f'no column carries the relationship {rel.left} – {rel.right} ("{rel.label}"); '
                f'following Prisma, it becomes the implicit many-to-many table "{join}"',
                span,
                help="declare the relation fields on both models to say so explicitly",
            )
        elif rel.many_to_many and not any(_attributes(diagram, side) for side in (rel.left, rel.right)):
            _join_table(b, rel, left, right, path)
        else:
            b.report(
                "SD122",
                Severity.WARNING,
                f"ER diagram relationship {rel.left} – {rel.right} is carried by no foreign key",
                span,
                help="add a join table with a key to each"
                if rel.many_to_many
                else f"add a foreign key column to {rel.right if rel.left_many is False else rel.left}",
            )


def _known(b: SchemaBuilder, entity: str) -> TableDraft | None:
    """The table something other than this diagram defines for an entity, matched loosely."""
    names = {d.name: d for d in b.tables.values()}
    found = find_table(entity, names) or find_table(table_name(entity), names)
    return names[found] if found is not None else None


def _entity_table(b: SchemaBuilder, entity: object, path: str) -> TableDraft:
    from schemadoc.parse.mermaid import Entity

    assert isinstance(entity, Entity)
    name = table_name(entity.name)
    d = TableDraft("public", name, "mermaid", Span(path, entity.line, 1, entity.end_line))
    pk = []
    for a in entity.attributes:
        values = enum_values(a.comment) if a.type.lower() == "enum" else []
        if values:
            enum = m.Enum("public", f"{name}_{a.name}", tuple(values), span=Span(path, a.line, 1))
            b.enums[enum.key] = enum
            t = quote_ident(enum.name)
        else:
            ot = orm_type(a.type)
            t = ot.sql if ot is not None and ot.sql else "text"
        d.columns[a.name] = m.Column(
            a.name, t, not_null="PK" in a.keys, comment=a.comment or None, span=Span(path, a.line, 1)
        )
        if "PK" in a.keys:
            pk.append(a.name)
        if "UK" in a.keys:
            d.constraints.append(ConstraintDraft("unique", None, (a.name,), span=Span(path, a.line, 1)))
    if pk:
        d.constraints.insert(0, ConstraintDraft("primary", None, tuple(pk), span=Span(path, entity.line, 1)))
    b.add_table(d)
    return d


def _key_only(b: SchemaBuilder, entity: str, line: int, path: str) -> TableDraft:
    """A table only a relationship names: its key, of the type the doc's keys have (SD048)."""
    span = Span(path, line, 1)
    keys = [
        d.columns[c.columns[0]].type
        for d in b.tables.values()
        for c in d.constraints
        if c.kind == "primary" and len(c.columns) == 1 and c.columns[0] in d.columns
    ]
    key_type = max(set(keys), key=keys.count) if keys else "bigint"
    d = TableDraft("public", table_name(entity), "mermaid", span, key_only=True)
    identity = "by default" if key_type in ("integer", "bigint") else None
    d.columns["id"] = m.Column("id", key_type, not_null=True, identity=identity, span=span)
    d.constraints.append(ConstraintDraft("primary", None, ("id",), span=span))
    b.add_table(d)
    b.report(
        "SD048",
        Severity.INFO,
        f"{entity} appears only in the diagram's relationships: table {d.name} is created with its key (id)",
        span,
        help=f"give {entity} its attributes in the diagram (or describe its columns) to have them created",
    )
    return d


def _infer_diagram_keys(b: SchemaBuilder, diagram: Diagram, drafts: dict[str, TableDraft], path: str) -> None:
    """Attributes a diagram marks FK carry its relationships: `ticket_id` carries tickets ||--o{ comments;
    FK columns named after no entity (`customer_id`, `assigned_agent_id`) carry the remaining
    relationships to their table in the order the diagram lists both. Between tables the diagram gives no
    attributes, the many side gets a `<parent>_id` column. An FK attribute no relationship carries
    references the table its note or its name names."""
    used: set[tuple[str, str]] = set()
    for rel in diagram.relationships:
        oriented = _orient(rel, diagram)
        if oriented is None:
            continue
        parent_name, child_name = oriented
        parent, child = drafts.get(parent_name), drafts.get(child_name)
        if parent is None or child is None or child.origin not in _INFORMAL or parent is child:
            continue
        entity = diagram.entities.get(child_name)
        if entity is None or not entity.attributes:
            if child.key_only:
                _key_column(b, rel, parent, child, parent_name == rel.left, path)
            continue
        others = [d.name for d in b.tables.values() if d is not child]
        named = {
            a.name: _named_target(a, others)
            for a in entity.attributes
            if "FK" in a.keys
            and (child.name, a.name) not in used
            and a.name in child.columns
            and not _keyed(child, a.name)
        }
        # the attribute that names the parent (by its note or its name), else one that names no table
        chosen = next((a for a, t in named.items() if t == parent.name), None)
        if chosen is None:
            chosen = next((a for a, t in named.items() if t is None), None)
        if chosen is None:
            continue
        used.add((child.name, chosen))
        b.add_constraint(
            child, ConstraintDraft("foreign", None, (chosen,), ref_table=parent.name, span=Span(path, rel.line, 1))
        )
    for entity_name, entity in diagram.entities.items():
        child = drafts.get(entity_name)
        if child is None or child.origin not in _INFORMAL:
            continue
        for a in entity.attributes:
            if "FK" not in a.keys or a.name not in child.columns or _keyed(child, a.name):
                continue
            note = foreign_key_note(a.comment)
            said = note.table if note is not None and note.table else None
            child.constraints.append(
                ConstraintDraft(
                    "foreign", None, (a.name,), ref_table="", span=Span(path, a.line, 1),
                    ref_columns=(note.column,) if note is not None and note.column else (),
                    candidates=(said, table_name(said)) if said else (),
                )
            )  # fmt: skip


def _named_target(attribute: Attribute, tables: list[str]) -> str | None:
    """The table an FK attribute names: its note's (`FK "→ TOKEN"`), else its name's (project_id)."""
    note = foreign_key_note(attribute.comment)
    if note is not None and note.table:
        return find_table(note.table, tables) or find_table(table_name(note.table), tables)
    stem = name_stem(attribute.name)
    return stem_tables(stem, tables) if stem else None


def _orient(rel: Relationship, diagram: Diagram) -> tuple[str, str] | None:
    """(parent, child) of a relationship: the one side and the many side; in a one-to-one, the side
    whose FK attribute is named after the other (or, with no attributes, the right side is the child)."""
    if rel.left_many and rel.right_many:
        return None  # many-to-many needs a join table
    if rel.left_many or rel.right_many:
        return (rel.left, rel.right) if rel.right_many else (rel.right, rel.left)
    sides = [(rel.left, rel.right), (rel.right, rel.left)]
    oriented = [
        (p, c)
        for p, c in sides
        if (e := diagram.entities.get(c)) is not None
        and any(
            "FK" in a.keys and a.name.lower() in (f"{singular(p.lower())}_id", f"{p.lower()}_id") for a in e.attributes
        )
    ]
    if len(oriented) == 1:
        return oriented[0]
    if not any(diagram.entities.get(x) is not None and diagram.entities[x].attributes for x in (rel.left, rel.right)):
        return rel.left, rel.right
    return None


def _key_column(
    b: SchemaBuilder, rel: Relationship, parent: TableDraft, child: TableDraft, parent_left: bool, path: str
) -> None:
    """`CUSTOMER ||--o{ ORDER`, neither given attributes: order.customer_id references customer, NOT NULL
    when the diagram says every order has one (`||`), unique when at most one order has it."""
    key = next((c.columns for c in parent.constraints if c.kind == "primary"), ())
    if len(key) != 1 or key[0] not in parent.columns:
        return
    column = f"{snake_case(singular(parent.name))}_id"
    if column in child.columns:
        return
    span = Span(path, rel.line, 1)
    optional = rel.left_optional if parent_left else rel.right_optional
    child.columns[column] = m.Column(column, parent.columns[key[0]].type, not_null=not optional, span=span)
    child.constraints.append(ConstraintDraft("foreign", None, (column,), ref_table=parent.name, span=span))
    if not rel.left_many and not rel.right_many:
        child.constraints.append(ConstraintDraft("unique", None, (column,), span=span))


# where a diagram's keys complete a table: its own, and tables described informally (a Markdown table of
# columns); SQL, Prisma and ORM code say which keys there are, and a diagram does not add to them
_INFORMAL = {"mermaid", "table"}


def _keyed(d: TableDraft, column: str) -> bool:
    return any(c.kind == "foreign" and c.columns[:1] == (column,) for c in d.constraints)


def _attributes(diagram: Diagram, entity: str) -> bool:
    found = diagram.entities.get(entity)
    return found is not None and bool(found.attributes)


def _join_table(b: SchemaBuilder, rel: Relationship, left: TableDraft, right: TableDraft, path: str) -> None:
    """`STUDENT }o--o{ COURSE`, neither given attributes: the table student_course, keyed by both."""
    span = Span(path, rel.line, 1)
    name = f"{snake_case(left.name)}_{snake_case(right.name)}"
    if m.qualify("public", name) in b.tables:
        return
    d = TableDraft("public", name, "mermaid", span)
    for parent in (left, right):
        key = next((c.columns for c in parent.constraints if c.kind == "primary"), ())
        if len(key) != 1 or key[0] not in parent.columns:
            return
        column = f"{snake_case(singular(parent.name))}_id"
        d.columns[column] = m.Column(column, parent.columns[key[0]].type, not_null=True, span=span)
        d.constraints.append(ConstraintDraft("foreign", None, (column,), ref_table=parent.name, span=span))
    d.constraints.insert(0, ConstraintDraft("primary", None, tuple(d.columns), span=span))
    b.add_table(d)
    b.report(
        "SD049",
        Severity.INFO,
        f"the many-to-many relationship {rel.left} – {rel.right} becomes the join table {name}",
        span,
    )


def _carried(a: TableDraft, b: TableDraft) -> bool:
    return any(c.kind == "foreign" and c.ref_table == b.name for c in a.constraints) or any(
        c.kind == "foreign" and c.ref_table == a.name for c in b.constraints
    )
