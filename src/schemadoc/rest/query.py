"""PostgREST's query-string grammar: select, filters, and/or trees, order, limit/offset, columns, on_conflict.

Written from PostgREST's documentation and the doctests of its QueryParams module (the reference for
what parses and what does not): `/items?select=id,name,client:clients!inner(name)&id=gte.10&
or=(status.eq.new,not.and(a.gt.1,b.lt.2))&order=name.desc.nullslast&limit=10`. The result is plain
frozen values; turning them into SQL is another module's work, with identifiers checked against the
schema cache and values only ever bound as parameters. Every parse error is a `QueryError` with
PostgREST's code (PGRST100), never an exception from deeper down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

OPERATORS = frozenset("eq neq gt gte lt lte like ilike match imatch cs cd ov sl sr nxr nxl adj isdistinct".split())
QUANTIFIABLE = frozenset("eq neq gt gte lt lte like ilike match imatch".split())
FTS = frozenset("fts plfts phfts wfts".split())
TRILEAN = ("null", "not_null", "true", "false", "unknown")


class QueryError(Exception):
    """A query string PostgREST would refuse: HTTP 400, code PGRST100."""

    code = "PGRST100"

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True, slots=True)
class JsonStep:
    arrow: str  # "->" or "->>"
    key: str
    index: bool = False  # ->0, ->-1


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    json: tuple[JsonStep, ...] = ()


@dataclass(frozen=True, slots=True)
class SelectField:
    field: Field
    alias: str | None = None
    cast: str | None = None


@dataclass(frozen=True, slots=True)
class SelectRelation:
    name: str
    children: tuple[SelectField | SelectRelation, ...]
    alias: str | None = None
    hint: str | None = None
    join: str | None = None  # "inner" | "left"
    spread: bool = False


SelectItem = SelectField | SelectRelation


@dataclass(frozen=True, slots=True)
class Operation:
    op: str  # eq, in, is, fts, …
    value: str | tuple[str, ...]
    quantifier: str | None = None  # any | all
    language: str | None = None  # fts(english)


@dataclass(frozen=True, slots=True)
class Filter:
    field: Field
    operation: Operation
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # and | or
    children: tuple[Filter | Logic, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class OrderTerm:
    field: Field
    direction: str | None = None  # asc | desc
    nulls: str | None = None  # nullsfirst | nullslast
    relation: str | None = None  # order=clients(name).desc: a to-one embed's column


@dataclass(frozen=True)
class Query:
    select: tuple[SelectItem, ...] = (SelectField(Field("*")),)
    filters: tuple[tuple[tuple[str, ...], Filter], ...] = ()  # (embed path, filter)
    logic: tuple[tuple[tuple[str, ...], Logic], ...] = ()
    order: tuple[tuple[tuple[str, ...], tuple[OrderTerm, ...]], ...] = ()
    limits: dict[tuple[str, ...], int] = field(default_factory=dict)
    offsets: dict[tuple[str, ...], int] = field(default_factory=dict)
    columns: tuple[str, ...] | None = None
    on_conflict: tuple[str, ...] | None = None
    params: tuple[tuple[str, str], ...] = ()  # key=value pairs that are not filters (RPC arguments)


# ---- the scanner ---------------------------------------------------------------------------------


class _Scanner:
    def __init__(self, text: str, what: str) -> None:
        self.s, self.i, self.what = text, 0, what

    def fail(self, expected: str) -> QueryError:
        got = repr(self.s[self.i]) if self.i < len(self.s) else "end of input"
        return QueryError(
            f'"failed to parse {self.what} ({self.s})" (line 1, column {self.i + 1})',
            f"unexpected {got} expecting {expected}",
        )

    def at_end(self) -> bool:
        return self.i >= len(self.s)

    def peek(self, token: str) -> bool:
        return self.s.startswith(token, self.i)

    def take(self, token: str) -> bool:
        if self.s.startswith(token, self.i):
            self.i += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.take(token):
            raise self.fail(repr(token))

    def spaces(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def quoted(self) -> str:
        """A double-quoted value; backslash escapes the next character."""
        self.expect('"')
        out = []
        while True:
            if self.at_end():
                raise self.fail('closing "')
            c = self.s[self.i]
            self.i += 1
            if c == "\\":
                if self.at_end():
                    raise self.fail("an escaped character")
                out.append(self.s[self.i])
                self.i += 1
            elif c == '"':
                return "".join(out)
            else:
                out.append(c)

    def name(self) -> str:
        """A field name: quoted, or identifier characters (letters, digits, _, $, spaces) joined by '-'."""
        self.spaces()
        if self.peek('"'):
            value = self.quoted()
            self.spaces()
            return value
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            if c.isalnum() or c in "_ $":
                self.i += 1
            elif c == "-" and self.i > start and not self.s.startswith("->", self.i) and self.i + 1 < len(self.s):
                nxt = self.s[self.i + 1]
                if nxt.isalnum() or nxt in "_$":
                    self.i += 1
                else:
                    break
            else:
                break
        text = self.s[start : self.i].strip()
        if not text:
            raise self.fail("field name (* or [a..z0..9_$])")
        return text

    def json_path(self) -> tuple[JsonStep, ...]:
        steps = []
        while self.peek("->"):
            arrow = "->>" if self.take("->>") else ("->" if self.take("->") else "")
            mt = re.compile(r"-?\d+(?=->|::|\.|,|\)|$)").match(self.s, self.i)
            if mt:
                self.i = mt.end()
                steps.append(JsonStep(arrow, mt.group(0), True))
            else:
                steps.append(JsonStep(arrow, self.name()))
        return tuple(steps)

    def field(self) -> Field:
        name = self.name()
        path = self.json_path()
        self.spaces()
        return Field(name, path)


# ---- select ---------------------------------------------------------------------------------------


def parse_select(text: str) -> tuple[SelectItem, ...]:
    sc = _Scanner(text, "select parameter")
    items = _select_list(sc)
    if not sc.at_end():
        raise sc.fail('",", "(" or end of input')
    return items


def _select_list(sc: _Scanner) -> tuple[SelectItem, ...]:
    items = [_select_item(sc)]
    while sc.take(","):
        items.append(_select_item(sc))
    return tuple(items)


def _select_item(sc: _Scanner) -> SelectItem:
    sc.spaces()
    if sc.take("*"):
        sc.spaces()
        if not (sc.at_end() or sc.peek(",") or sc.peek(")")):
            raise sc.fail('")", "," or end of input')
        return SelectField(Field("*"))
    spread = sc.take("...")
    alias = None
    start = sc.i
    first = sc.name()
    if sc.peek(":") and not sc.peek("::"):
        if spread:
            raise sc.fail("a relation (a spread takes no alias)")
        sc.take(":")
        alias, first = first, sc.name()
    elif spread is False and sc.i == start:
        raise sc.fail("field name")
    hint = join = None
    while sc.peek("!"):
        sc.take("!")
        param = sc.name()
        if param in ("inner", "left"):
            join = param
        else:
            hint = param
    if sc.take("("):
        sc.spaces()
        children = () if sc.peek(")") else _select_list(sc)  # `rel()`: embedded for filtering, not shown
        sc.spaces()
        sc.expect(")")
        sc.spaces()
        return SelectRelation(first, children, alias, hint, join, spread)
    if spread or hint or join:
        raise sc.fail('"("')
    path = sc.json_path()
    cast = None
    if sc.take("::"):
        cast = sc.name() + ("[]" if sc.take("[]") else "")  # a name: what type it is, the schema cache says
    sc.spaces()
    if not (sc.at_end() or sc.peek(",") or sc.peek(")")):
        raise sc.fail('"->", "::", ")", "," or end of input')
    return SelectField(Field(first, path), alias, cast)


# ---- filters and logic --------------------------------------------------------------------------


def parse_operation(text: str, in_logic: bool = False) -> tuple[bool, Operation]:
    """`not.eq.5`, `in.(1,2)`, `is.null`, `fts(english).cat`, `eq(any).{a,b}` → (negated, operation)."""
    sc = _Scanner(text, "filter")
    negated, op = _operation(sc, in_logic)
    if not sc.at_end():
        raise sc.fail('"," or ")"')
    return negated, op


def _operation(sc: _Scanner, in_logic: bool) -> tuple[bool, Operation]:
    negated = sc.take("not.")
    mt = re.compile(r"[a-z]+").match(sc.s, sc.i)
    if not mt:
        raise sc.fail("operator (eq, gt, ...)")
    op = mt.group(0)
    sc.i = mt.end()
    if op == "in":
        sc.expect(".")
        return negated, Operation("in", _list(sc))
    if op == "is":
        sc.expect(".")
        word = re.compile(r"[A-Za-z_]+").match(sc.s, sc.i)
        value = word.group(0).lower() if word else ""
        if value not in TRILEAN:
            raise sc.fail("null or trilean value (unknown, true, false)")
        sc.i = word.end() if word else sc.i
        return negated, Operation("is", value)
    if op in FTS:
        language = None
        if sc.take("("):
            language = sc.name()
            sc.expect(")")
        sc.expect(".")
        return negated, Operation(op, _single(sc, in_logic), language=language)
    if op not in OPERATORS:
        raise QueryError(
            f'"failed to parse filter ({sc.s})" (line 1, column {mt.start() + 1})',
            f"unknown single value operator {op}",
        )
    quantifier = None
    if sc.take("("):
        word = re.compile(r"any|all").match(sc.s, sc.i)
        if not word or op not in QUANTIFIABLE:
            raise sc.fail("any or all")
        quantifier = word.group(0)
        sc.i = word.end()
        sc.expect(")")
    sc.expect(".")
    return negated, Operation(op, _single(sc, in_logic), quantifier)


def _single(sc: _Scanner, in_logic: bool) -> str:
    if not in_logic:  # a filter's value is the rest of the parameter, as is
        value = sc.s[sc.i :]
        sc.i = len(sc.s)
        return value
    if sc.peek('"'):
        return sc.quoted()
    if sc.peek("{"):
        end = sc.s.find("}", sc.i)
        if end < 0:
            raise sc.fail('"}"')
        value = sc.s[sc.i : end + 1]
        sc.i = end + 1
        return value
    start = sc.i
    depth = 0
    while not sc.at_end():
        c = sc.s[sc.i]
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        elif c == "," and depth == 0:
            break
        sc.i += 1
    return sc.s[start : sc.i]


def _list(sc: _Scanner) -> tuple[str, ...]:
    sc.spaces()
    sc.expect("(")
    items: list[str] = []
    if sc.take(")"):
        return ()
    while True:
        sc.spaces()
        if sc.peek('"'):
            items.append(sc.quoted())
        else:
            start = sc.i
            while not sc.at_end() and sc.s[sc.i] not in ",)":
                sc.i += 1
            items.append(sc.s[start : sc.i])
        if sc.take(","):
            continue
        sc.spaces()
        sc.expect(")")
        return tuple(items)


def parse_logic(key: str, value: str) -> Logic:
    """`or=(a.eq.1,and(b.gt.2,c.is.null))`, `not.and=(…)` (the key's last word is the operator)."""
    negated = key.startswith("not.") or ".not." in f".{key}"
    op = key.rsplit(".", 1)[-1]
    sc = _Scanner(value, "logic tree")
    children = _logic_children(sc)
    if not sc.at_end():
        raise sc.fail("end of input")
    return Logic(op, children, negated)


def _logic_children(sc: _Scanner) -> tuple[Filter | Logic, ...]:
    sc.spaces()
    sc.expect("(")
    out: list[Filter | Logic] = []
    while True:
        out.append(_logic_item(sc))
        sc.spaces()
        if sc.take(","):
            continue
        sc.expect(")")
        return tuple(out)


def _logic_item(sc: _Scanner) -> Filter | Logic:
    sc.spaces()
    negated = sc.take("not.")
    for op in ("and", "or"):
        if sc.peek(op + "("):
            sc.take(op)
            return Logic(op, _logic_children(sc), negated)
    fld = sc.field()
    sc.expect(".")
    neg2, operation = _operation(sc, in_logic=True)
    return Filter(fld, operation, negated or neg2)


# ---- order ------------------------------------------------------------------------------------------


def parse_order(text: str) -> tuple[OrderTerm, ...]:
    sc = _Scanner(text, "order")
    terms = []
    while True:
        sc.spaces()
        name = sc.name()
        relation = None
        if sc.take("("):
            relation, fld = name, sc.field()
            sc.expect(")")
        else:
            fld = Field(name, sc.json_path())
        direction = nulls = None
        if sc.take(".asc"):
            direction = "asc"
        elif sc.take(".desc"):
            direction = "desc"
        if sc.take(".nullsfirst"):
            nulls = "nullsfirst"
        elif sc.take(".nullslast"):
            nulls = "nullslast"
        sc.spaces()
        terms.append(OrderTerm(fld, direction, nulls, relation))
        if sc.take(","):
            continue
        if not sc.at_end():
            raise sc.fail('"asc", "desc", "nullsfirst", "nullslast", "," or end of input')
        return tuple(terms)


def parse_columns(text: str, what: str = "columns parameter") -> tuple[str, ...]:
    sc = _Scanner(text, what)
    names = [sc.name()]
    while sc.take(","):
        names.append(sc.name())
    if not sc.at_end():
        raise sc.fail('"," or end of input')
    return tuple(names)


# ---- the whole query string ---------------------------------------------------------------------

_RESERVED = {"select", "columns", "on_conflict"}
_EMBEDDABLE = {"order", "limit", "offset", "and", "or"}


def _path(key: str) -> tuple[str, ...]:
    sc = _Scanner(key, "tree path")
    names = [sc.name()]
    while sc.take("."):
        names.append(sc.name())
    if not sc.at_end():
        raise sc.fail('"." or end of input')
    return tuple(names)


def _is_filter_value(value: str) -> bool:
    head = value.split(".", 1)[0]
    word = head.split("(", 1)[0]
    return head == "not" or word in OPERATORS or word in FTS or head in ("in", "is")


def parse(query_string: str) -> Query:
    """The query string of a request (after `?`), '+' read as a space as PostgREST does."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    select: tuple[SelectItem, ...] = (SelectField(Field("*")),)
    filters, logic, order, params = [], [], [], []
    limits: dict[tuple[str, ...], int] = {}
    offsets: dict[tuple[str, ...], int] = {}
    columns = on_conflict = None
    for key, value in pairs:
        last = key.rsplit(".", 1)[-1]
        if key == "select":
            select = parse_select(value or "*")
        elif key == "columns":
            columns = parse_columns(value)
        elif key == "on_conflict":
            on_conflict = parse_columns(value, "on_conflict parameter")
        elif last in ("and", "or"):
            embed = tuple(p for p in key.split(".")[:-1] if p != "not")
            logic.append((embed, parse_logic(key, value)))
        elif last == "order":
            order.append((_path(key)[:-1] if "." in key else (), parse_order(value)))
        elif last in ("limit", "offset"):
            embed = _path(key)[:-1] if "." in key else ()
            if not re.fullmatch(r"\d+", value):
                raise QueryError(f'"failed to parse {last} parameter ({value})"', "expecting a non-negative integer")
            (limits if last == "limit" else offsets)[embed] = int(value)
        elif "." in key or _is_filter_value(value):
            path = _path(key) if "->" not in key else _json_key(key)
            fld_sc = _Scanner(path[-1], "tree path")
            fld = fld_sc.field()
            negated, operation = parse_operation(value)
            filters.append((tuple(path[:-1]), Filter(fld, operation, negated)))
        else:
            params.append((key, value))
    return Query(
        select,
        tuple(filters),
        tuple(logic),
        tuple(order),
        limits,
        offsets,
        columns,
        on_conflict,
        tuple(params),
    )


def _json_key(key: str) -> tuple[str, ...]:
    """`clients.data->>name`: the embed path, then the field with its JSON path kept as written."""
    head, arrow, rest = key.partition("->")
    parts = head.split(".")
    return (*parts[:-1], parts[-1] + arrow + rest)


# ---- rendering (the inverse of parsing, for canonical forms and round-trip tests) ----------------------


def quote_name(name: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_$]+", name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_field(f: Field) -> str:
    def key(step: JsonStep) -> str:
        if step.index:
            return step.key
        return f'"{step.key}"' if re.fullmatch(r"-?\d+", step.key) else quote_name(step.key)  # a key, not an index

    return quote_name(f.name) + "".join(step.arrow + key(step) for step in f.json)


def render_select(items: tuple[SelectItem, ...]) -> str:
    out = []
    for item in items:
        if isinstance(item, SelectField):
            text = "*" if item.field.name == "*" else render_field(item.field)
            if item.alias:
                text = quote_name(item.alias) + ":" + text
            if item.cast:
                array = item.cast.endswith("[]")
                text += "::" + quote_name(item.cast[:-2] if array else item.cast) + ("[]" if array else "")
        else:
            text = ("..." if item.spread else "") + (quote_name(item.alias) + ":" if item.alias else "")
            text += quote_name(item.name)
            text += ("!" + quote_name(item.hint) if item.hint else "") + ("!" + item.join if item.join else "")
            text += "(" + render_select(item.children) + ")"
        out.append(text)
    return ",".join(out)


def _render_value(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_operation(op: Operation, negated: bool = False, in_logic: bool = False) -> str:
    head = "not." if negated else ""
    if op.op == "in":
        assert isinstance(op.value, tuple)
        return f"{head}in.(" + ",".join(_render_value(v) for v in op.value) + ")"
    value = op.value if isinstance(op.value, str) else ""
    if in_logic and op.op != "is":
        value = _render_value(value)
    if op.op in FTS:
        return f"{head}{op.op}{'(' + op.language + ')' if op.language else ''}.{value}"
    return f"{head}{op.op}{'(' + op.quantifier + ')' if op.quantifier else ''}.{value}"


def render_logic(node: Filter | Logic) -> str:
    if isinstance(node, Filter):
        return render_field(node.field) + "." + render_operation(node.operation, node.negated, in_logic=True)
    return ("not." if node.negated else "") + node.op + "(" + ",".join(render_logic(c) for c in node.children) + ")"


def render_order(terms: tuple[OrderTerm, ...]) -> str:
    out = []
    for t in terms:
        text = render_field(t.field)
        if t.relation:
            text = quote_name(t.relation) + "(" + text + ")"
        out.append(text + (f".{t.direction}" if t.direction else "") + (f".{t.nulls}" if t.nulls else ""))
    return ",".join(out)
