"""What a column's informal description says it references, and which table that is.

Markdown tables, prose lists and diagrams say a column is a foreign key in words — `FK → users`,
`references organizations.id`, `Foreign Key referencing Employees.EmployeeID`, `Foreign key to jobs.id`,
`Foreign Key.`, `chiave esterna`, `外键` — often without naming the table; and ORM-minded docs leave it to
the column's name (`organizationId` is Organization's key, `category_id` categories'). The table is
found once every table of the doc is known: the one the note names, else the one the column's name
names; a column no table matches keeps no key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from schemadoc.names import loose_key

_MENTION = re.compile(
    r"\b(?:foreign[\s_-]*keys?|fk|references?|referencing|refers?\s+to|ref|belongs\s+to|links?\s+to)\b|"
    r"→|⟶|->|外键|外鍵|外部キー|외래\s*키|chiave\s+esterna|clave\s+(?:for[aá]nea|externa)|"
    r"cl[ée]\s+[ée]trang[èe]re|fremdschl[üu]ssel|внешний\s+ключ|chave\s+estrangeira|obcy\s+klucz",
    re.I,
)
# words that mark a foreign key on their own (an arrow alone is also "becomes" in prose)
_STRONG = re.compile(
    r"foreign|fk\b|referenc|refers|\bref\b|belongs|外|chiave|clave|cl[ée]|fremd|внешн|chave|obcy", re.I
)
_CONNECTOR = (
    r"(?:\s*(?:[:=(>→⟶-]|(?:to|the|a|an|on|of|at|into|in|table|model|entity|referencing|references?|verso|à|zu|"
    r"на|para)\b))*\s*"
)
_TARGET = re.compile(
    _CONNECTOR + r"[`'\"*]*(?P<table>[A-Za-z_][\w$]*)[`'\"*]*"
    r"(?:\s*(?:\.|::)\s*[`'\"*]*(?P<col>[A-Za-z_][\w$]*)|\s*\(\s*[`'\"*]*(?P<col2>[A-Za-z_][\w$]*)[`'\"*]*\s*\))?",
    re.I,
)
_ACTION = re.compile(r"on\s+delete\s+(cascade|set\s+null|restrict|set\s+default|no\s+action)|"
                     r"(cascade|set\s+null)\s+on\s+delete|delete\s+cascade|cascades?\b", re.I)  # fmt: skip
# the endings of a column named for the table it references: organization_id, organizationId, EmployeeID
_ID_SUFFIX = re.compile(r"^(?P<stem>.+?)(?:_id|Id|ID|_ID|_fk|_ref|_uuid|Uuid|_key)$")


@dataclass(frozen=True, slots=True)
class Note:
    """A column's notes say it is a foreign key: to `table` (`column`) when they name them."""

    table: str | None
    column: str | None
    on_delete: str | None
    strong: bool  # said in words (foreign key, references), not only with an arrow


def foreign_key_note(*texts: str) -> Note | None:
    """The foreign key a column's notes (constraints, description) describe, if any: the first that
    names its table (`Foreign Key` in one cell, "Reference to UserAlias" in the next), else the first."""
    notes = [n for n in map(_note, texts) if n is not None]
    named = [n for n in notes if n.table is not None]
    if named and notes[0].table is None:
        first = named[0]
        return Note(first.table, first.column, notes[0].on_delete or first.on_delete, notes[0].strong or first.strong)
    return notes[0] if notes else None


def _note(text: str) -> Note | None:
    """The foreign key one cell of notes describes, if it describes one."""
    if not text:
        return None
    mt = _MENTION.search(text)
    if mt is None:
        return None
    strong = bool(_STRONG.search(mt.group(0)))
    rest = text[mt.end() :]
    target = _TARGET.match(rest)
    table = column = None
    if target is not None and not re.fullmatch(r"(?i)key|keys|id|column|field", target.group("table")):
        table, column = target.group("table"), target.group("col") or target.group("col2")
    if not strong and table is None:
        return None  # an arrow that points at nothing is prose
    action = _ACTION.search(text)
    on_delete = None
    if action is not None:
        word = (action.group(1) or action.group(2) or "cascade").lower()
        on_delete = " ".join(word.split()).upper()
    return Note(table, column, on_delete, strong)


def name_stem(column: str) -> str | None:
    """What a key column is named for: organization for organizationId, category for category_id."""
    mt = _ID_SUFFIX.match(column)
    if mt is None or not mt.group("stem").strip("_"):
        return None
    return mt.group("stem").strip("_")


def _forms(word: str) -> set[str]:
    """A name and its singular and plural spellings, loosely keyed (case and separators ignored)."""
    w = loose_key(word)
    out = {w, w + "s", w + "es"}
    if w.endswith("y"):
        out.add(w[:-1] + "ies")
    if w.endswith("ies"):
        out.add(w[:-3] + "y")
    if w.endswith("es"):
        out.add(w[:-2])
    if w.endswith("s"):
        out.add(w[:-1])
    return out


def stem_tables(stem: str, tables: Iterable[str], own: str | None = None) -> str | None:
    """The table a key column's stem names: the whole stem (organization), else, for an action's `by`
    (created_by, uploadedBy), the users table, else its last words (from_agent: agent; homeTeam: Team;
    home_team: teams), else the one table, not `own`, whose name ends with it or that it abbreviates."""
    names = list(tables)
    found = find_table(stem, names)
    if found is not None:
        return found
    words = _words(stem)
    if len(words) > 1 and words[-1].lower() == "by":  # created_by_id, uploadedById: who did it, a user
        for person in _PEOPLE:
            found = find_table(person, [t for t in names if t != own])
            if found is not None:
                return found
    for i in range(1, len(words)):
        found = find_table("_".join(words[i:]), names) or find_table("".join(words[i:]), names)
        if found is not None:
            return found
    # the one table whose name ends with the stem (backend_id: dynamic_backend; alias_id: UserAlias) …
    forms = _forms(stem)
    names = [t for t in names if t != own]  # a loose match is never the column's own table
    ending = [t for t in names if any(loose_key("".join(_words(t)[i:])) in forms for i in range(1, len(_words(t))))]
    if len(ending) == 1:
        return ending[0]
    # … else the one it abbreviates (env_id: environment; org_id: organizations)
    short = loose_key(stem)
    if len(short) >= 3:
        starting = [t for t in names if loose_key(t).startswith(short)]
        if len(starting) == 1:
            return starting[0]
    return None


_PEOPLE = ("user", "account", "member", "person", "profile")  # the tables an action's "by" column points at


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[_\s-]|(?<=[a-z0-9])(?=[A-Z])", name) if w]


def find_table(word: str, tables: Iterable[str]) -> str | None:
    """The one table `word` names (exactly, then by case, then singular or plural), or None."""
    names = list(tables)
    if word in names:
        return word
    singular = _singular_words(word)
    for pool in (
        [t for t in names if t.lower() == word.lower()],
        [t for t in names if loose_key(t) in _forms(word)],
        [t for t in names if _singular_words(t) == singular],  # question_revision: questions_revisions
    ):
        if len(pool) == 1:
            return pool[0]
    return None


def _singular_words(name: str) -> tuple[str, ...]:
    """A name's words, each in the singular (loosely: ies→y, es/s dropped)."""
    out = []
    for w in _words(name):
        w = w.lower()
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith(("ses", "xes", "ches", "shes")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            w = w[:-1]
        out.append(w)
    return tuple(out)
