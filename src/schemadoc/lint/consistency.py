"""Rules about the document agreeing with itself: prose claims against the schema it defines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemadoc.errors import Severity, Span
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument
from schemadoc.parse.expressions import check_values

_FK_INDEX_CLAIM = re.compile(r"foreign[- ]key\s+ind(ex|ices|exes)", re.I)
_AUTOMATIC = re.compile(r"automatic|created by prisma|prisma (creates|adds)", re.I)
_QUALIFIED = re.compile(r"`?([A-Za-z_]\w*)`?\.`?([A-Za-z_]\w*)`?")


@rule(
    "SD360",
    "claimed-foreign-key-indexes",
    Severity.WARNING,
    "consistency",
    """
    PostgreSQL never indexes the referencing columns of a foreign key on its own, and Prisma Migrate
    does not add such indexes on PostgreSQL either (it does on MySQL with relationMode = "prisma").
    A document that says foreign-key indexes are created automatically describes indexes that do
    not exist.""",
)
def claimed_fk_indexes(doc: LoadedDocument) -> Iterator[Finding]:
    unindexed = [f"{t.name}.{', '.join(fk.columns)}" for t, fk in doc.schema.unindexed_foreign_keys()]
    if not unindexed:
        return
    for block in doc.blocks:
        texts = [(block.line, block.text)] if block.kind == "paragraph" else block.items
        context = " ".join(h.text for h in block.headings)
        for line, text in texts:
            if _FK_INDEX_CLAIM.search(text) and (
                _AUTOMATIC.search(text) or _AUTOMATIC.search(context) or _AUTOMATIC.search(_lead_in(doc, block))
            ):
                yield Finding(
                    f"the document says foreign keys are indexed automatically; {len(unindexed)} foreign "
                    f"key(s) have no index (e.g. {unindexed[0]})",
                    Span(doc.path, line, 1),
                    help="declare the indexes (Prisma: @@index([field])) and correct the text",
                )


def _lead_in(doc: LoadedDocument, block: object) -> str:
    """The paragraph just before a block (a list's lead-in sentence)."""
    blocks = doc.blocks
    i = next((k for k, b in enumerate(blocks) if b is block), 0)
    return blocks[i - 1].text if i > 0 and blocks[i - 1].kind == "paragraph" else ""


@rule(
    "SD361",
    "claimed-unique-missing",
    Severity.WARNING,
    "consistency",
    """
    A list of unique constraints or indexes in the prose (`User.email`, `Account.provider +
    Account.providerAccountId`) must match the schema: an entry no table declares is a uniqueness the
    database does not enforce.""",
)
def claimed_unique_missing(doc: LoadedDocument) -> Iterator[Finding]:
    tables = {t.name.lower(): t for t in doc.schema.tables}
    for block in doc.blocks:
        if block.kind != "list" or not re.search(
            r"\bunique\b", _lead_in(doc, block) + " ".join(h.text for h in block.headings[-1:]), re.I
        ):
            continue
        for line, text in block.items:
            refs = _QUALIFIED.findall(text)
            if not refs or len({t for t, _ in refs}) != 1 or re.search(r"\bindex on\b", text, re.I):
                continue
            table = tables.get(refs[0][0].lower())
            if table is None:
                continue
            cols = {c for _, c in refs}
            unique_sets = [set(u.columns) for u in table.uniques]
            unique_sets += [set(table.primary_key.columns)] if table.primary_key else []
            unique_sets += [set(ix.keys) for ix in doc.schema.indexes if ix.table_key == table.key and ix.unique]
            if cols not in unique_sets:
                yield Finding(
                    f"the document lists {text.strip()} as unique, but no unique constraint or index on "
                    f'"{table.name}" ({", ".join(sorted(cols))}) is declared',
                    Span(doc.path, line, 1),
                    help="declare the unique constraint, or remove the entry",
                )


@rule(
    "SD363",
    "enum-and-check-disagree",
    Severity.WARNING,
    "consistency",
    """
    The same set of values is described twice: as an enum type (or enum list) and as a CHECK that
    lists a column's allowed values. When the two lists differ, one of them is wrong, and rows that
    one description allows the other rejects.""",
)
def enum_and_check_disagree(doc: LoadedDocument) -> Iterator[Finding]:
    from schemadoc.names import loose_key

    enums = {loose_key(e.name): e for e in doc.schema.enums}
    for t in doc.schema.tables:
        singular = t.name[:-1] if t.name.endswith("s") else t.name
        for c in t.checks:
            found = check_values(c.expression)
            if found is None:
                continue
            column, values = found
            for name in (column, f"{t.name}_{column}", f"{singular}_{column}"):
                enum = enums.get(loose_key(name))
                if enum is None:
                    continue
                if {v.lower() for v in values} != {v.lower() for v in enum.values}:
                    yield Finding(
                        f'CHECK "{c.name}" allows {", ".join(values)} in "{t.name}.{column}" but enum '
                        f"{enum.name} lists {', '.join(enum.values)}",
                        c.span,
                        help="make both descriptions list the same values (or make the column of the enum type)",
                    )
                break
