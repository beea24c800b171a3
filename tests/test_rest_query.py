"""PostgREST's query grammar: cases from its documentation and QueryParams doctests, round trips, fuzzing."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemadoc.rest.query import (
    Field,
    Filter,
    JsonStep,
    Logic,
    Operation,
    OrderTerm,
    QueryError,
    SelectField,
    SelectRelation,
    parse,
    parse_logic,
    parse_operation,
    parse_order,
    parse_select,
    render_logic,
    render_operation,
    render_order,
    render_select,
)


def test_select_forms() -> None:
    assert parse_select("name,location") == (SelectField(Field("name")), SelectField(Field("location")))
    assert parse_select("alias:name->jsonpath::cast") == (
        SelectField(Field("name", (JsonStep("->", "jsonpath"),)), "alias", "cast"),
    )
    assert parse_select("data->>-1,data->0") == (
        SelectField(Field("data", (JsonStep("->>", "-1", True),))),
        SelectField(Field("data", (JsonStep("->", "0", True),))),
    )
    assert parse_select("*,client(*,nested(*))") == (
        SelectField(Field("*")),
        SelectRelation("client", (SelectField(Field("*")), SelectRelation("nested", (SelectField(Field("*")),)))),
    )
    assert parse_select("alias:rel!hint!inner(*)") == (
        SelectRelation("rel", (SelectField(Field("*")),), "alias", "hint", "inner"),
    )
    assert parse_select("...rel!left(name)") == (
        SelectRelation("rel", (SelectField(Field("name")),), join="left", spread=True),
    )
    assert parse_select('"a b","x\\"y":identifier-with-dashes') == (
        SelectField(Field("a b")),
        SelectField(Field("identifier-with-dashes"), alias='x"y'),
    )


@pytest.mark.parametrize(
    "bad",
    ["id,clients(name[])", "data->>-78xy", "name!hint", "*!hint", "name::", "rel->jsonpath(*)", "a,(", "x)", ""],
)
def test_select_errors_are_pgrst100(bad: str) -> None:
    with pytest.raises(QueryError) as e:
        parse_select(bad)
    assert e.value.code == "PGRST100" and "failed to parse select parameter" in e.value.message


def test_filters() -> None:
    assert parse_operation("eq.0") == (False, Operation("eq", "0"))
    assert parse_operation("not.like.*ab.c*") == (True, Operation("like", "*ab.c*"))
    assert parse_operation('in.(1,"a,b","q\\"x",)') == (False, Operation("in", ("1", "a,b", 'q"x', "")))
    assert parse_operation("is.NULL") == (False, Operation("is", "null"))
    assert parse_operation("not.is.true") == (True, Operation("is", "true"))
    assert parse_operation("fts(english).the cat") == (False, Operation("fts", "the cat", language="english"))
    assert parse_operation("wfts.a or b") == (False, Operation("wfts", "a or b"))
    assert parse_operation("eq(any).{1,2}") == (False, Operation("eq", "{1,2}", "any"))
    assert parse_operation("like(all).{a*,*b}") == (False, Operation("like", "{a*,*b}", "all"))
    assert parse_operation("isdistinct.x") == (False, Operation("isdistinct", "x"))
    for op in ("cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj", "match", "imatch", "neq", "gte", "lte"):
        assert parse_operation(f"{op}.v")[1].op == op
    for bad in ("noop.0", "fts().value", "is.maybe", "in.1,2", "eq", "cs(any).{1}", "eq(some).1"):
        with pytest.raises(QueryError):
            parse_operation(bad)


def test_logic_trees() -> None:
    tree = parse_logic("or", '(id.eq.1,not.and(a.gt.2,b.in.(3,4)),c.eq."x,y",d.cs.{1,2})')
    assert tree == Logic(
        "or",
        (
            Filter(Field("id"), Operation("eq", "1")),
            Logic(
                "and", (Filter(Field("a"), Operation("gt", "2")), Filter(Field("b"), Operation("in", ("3", "4")))), True
            ),
            Filter(Field("c"), Operation("eq", "x,y")),
            Filter(Field("d"), Operation("cs", "{1,2}")),
        ),
    )
    assert parse_logic("not.and", "(a.is.null)").negated
    for bad in ("()", "(id.in.1,2,id.eq.3)", ")(", "(ord(id.eq.1))", "(id.eq.1,not.xor(id.eq.2))"):
        with pytest.raises(QueryError):
            parse_logic("or", bad)


def test_order() -> None:
    assert parse_order("name.desc.nullsfirst") == (OrderTerm(Field("name"), "desc", "nullsfirst"),)
    assert parse_order("json_col->key.asc.nullslast") == (
        OrderTerm(Field("json_col", (JsonStep("->", "key"),)), "asc", "nullslast"),
    )
    assert parse_order("clients(json_col->key).desc") == (
        OrderTerm(Field("json_col", (JsonStep("->", "key"),)), "desc", None, "clients"),
    )
    assert [t.field.name for t in parse_order("name,clients(name),id")] == ["name", "name", "id"]
    for bad in ("clients(name,id)", "id.ac", "id.descc", "id.nulsfist", "id.nullslasttt", "id.asc.smth34"):
        with pytest.raises(QueryError):
            parse_order(bad)


def test_a_whole_query_string() -> None:
    q = parse(
        "select=id,name,client:clients!inner(name)&id=gte.10&name=like.A*+B&clients.name=eq.x"
        "&or=(status.eq.new,status.eq.open)&clients.order=name.desc&order=id&limit=10&offset=5"
        "&clients.limit=2&columns=id,name&on_conflict=id&data->>k=eq.v&ids=in.(1,2)&p=free"
    )
    assert q.filters == (
        ((), Filter(Field("id"), Operation("gte", "10"))),
        ((), Filter(Field("name"), Operation("like", "A* B"))),  # '+' is a space
        (("clients",), Filter(Field("name"), Operation("eq", "x"))),
        ((), Filter(Field("data", (JsonStep("->>", "k"),)), Operation("eq", "v"))),
        ((), Filter(Field("ids"), Operation("in", ("1", "2")))),
    )
    assert q.logic[0][0] == () and q.logic[0][1].op == "or"
    assert q.order == ((("clients",), (OrderTerm(Field("name"), "desc"),)), ((), (OrderTerm(Field("id")),)))
    assert q.limits == {(): 10, ("clients",): 2} and q.offsets == {(): 5}
    assert q.columns == ("id", "name") and q.on_conflict == ("id",)
    assert q.params == (("p", "free"),)
    with pytest.raises(QueryError):
        parse("limit=-1")


# ---- properties ---------------------------------------------------------------------------------------

names = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8).filter(lambda s: s.strip() == s),
)
fields = st.builds(
    Field,
    names.filter(lambda n: n != "*"),
    st.lists(
        st.one_of(
            st.builds(JsonStep, st.sampled_from(["->", "->>"]), names, st.just(False)),
            st.builds(
                JsonStep, st.sampled_from(["->", "->>"]), st.from_regex(r"-?[0-9]{1,3}", fullmatch=True), st.just(True)
            ),
        ),
        max_size=2,
    ).map(tuple),
)
select_fields = st.builds(SelectField, fields, st.none() | names, st.none() | names)
selects = st.recursive(
    select_fields,
    lambda inner: st.builds(
        SelectRelation,
        names,
        st.lists(inner, min_size=1, max_size=3).map(tuple),
        st.none() | names,
        st.none() | names.filter(lambda n: n not in ("inner", "left")),
        st.none() | st.sampled_from(["inner", "left"]),
        st.just(False),
    ),
    max_leaves=6,
)
values = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
operations = st.one_of(
    st.builds(Operation, st.sampled_from(sorted({"eq", "neq", "gt", "like", "cs", "adj", "isdistinct"})), values),
    st.builds(Operation, st.just("in"), st.lists(values, max_size=4).map(tuple)),
    st.builds(Operation, st.just("is"), st.sampled_from(["null", "true", "false", "unknown"])),
    st.builds(Operation, st.just("fts"), values, st.none(), st.none() | st.from_regex(r"[a-z]{2,8}", fullmatch=True)),
)
logic_trees = st.recursive(
    st.builds(Filter, fields, operations, st.booleans()),
    lambda inner: st.builds(
        Logic, st.sampled_from(["and", "or"]), st.lists(inner, min_size=1, max_size=3).map(tuple), st.booleans()
    ),
    max_leaves=6,
)


@given(st.lists(selects, min_size=1, max_size=4).map(tuple))
@settings(max_examples=300, deadline=None)
def test_select_round_trips(items: tuple[SelectField | SelectRelation, ...]) -> None:
    assert parse_select(render_select(items)) == items


@given(operations, st.booleans())
@settings(max_examples=300, deadline=None)
def test_filter_round_trips(op: Operation, negated: bool) -> None:
    assert parse_operation(render_operation(op, negated)) == (negated, op)


@given(logic_trees.filter(lambda t: isinstance(t, Logic)))
@settings(max_examples=300, deadline=None)
def test_logic_round_trips(tree: Logic) -> None:
    text = render_logic(tree)
    key = ("not." if tree.negated else "") + tree.op
    assert parse_logic(key, text[len(key) :]) == tree


@given(
    st.lists(
        st.builds(
            OrderTerm,
            fields,
            st.none() | st.sampled_from(["asc", "desc"]),
            st.none() | st.sampled_from(["nullsfirst", "nullslast"]),
            st.none() | names,
        ),
        min_size=1,
        max_size=3,
    ).map(tuple)
)
@settings(max_examples=200, deadline=None)
def test_order_round_trips(terms: tuple[OrderTerm, ...]) -> None:
    assert parse_order(render_order(terms)) == terms


@given(st.text(max_size=60), st.text(max_size=60))
@settings(max_examples=1000, deadline=None)
def test_any_input_parses_or_is_a_query_error(key: str, value: str) -> None:
    try:
        parse(f"{quote(key)}={quote(value)}")
        parse(value)
    except QueryError:
        pass


def test_view_lineage_maps_plain_columns_only() -> None:
    from schemadoc.rest.cache import view_lineage

    got = view_lineage(
        "SELECT f.title AS film_title, f.id, n.rank, upper(f.title) AS loud, d.x "
        "FROM (public.films f JOIN public.nominations n ON n.film_id = f.id) JOIN (SELECT 1 AS x) d ON true"
    )
    assert got == {
        "film_title": (("public", "films"), "title"),
        "id": (("public", "films"), "id"),
        "rank": (("public", "nominations"), "rank"),
    }  # a computed column and a subquery's column have no base column
    assert view_lineage("SELECT id FROM public.films") == {"id": (("public", "films"), "id")}
    assert view_lineage("SELECT id FROM public.a UNION SELECT id FROM public.b") == {}
    assert view_lineage("VALUES (1)") == {}
    assert view_lineage("not sql at all") == {}


def test_the_schema_cache_is_the_introspected_model_plus_what_only_the_api_needs(fresh_db: str) -> None:
    """One catalog reader: tables, keys, views and functions come from the introspected model, the API's
    own facts (kinds, writability, type oids, identity defaults, RPC shapes) from api_*.sql beside it."""
    import psycopg

    from schemadoc.introspect import introspect
    from schemadoc.rest.cache import SchemaCache

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("""
            CREATE TABLE authors (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT 'anon');
            CREATE TABLE profiles (author_id int PRIMARY KEY REFERENCES authors, bio text);
            CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES authors, title text);
            CREATE VIEW book_list AS SELECT b.id, b.author_id AS writer, upper(b.title) AS shout FROM books b;
            CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);
            CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE FUNCTION by_author(who int, n int DEFAULT 3) RETURNS TABLE (title text, rank int)
              LANGUAGE sql STABLE AS 'SELECT title, 1 FROM books WHERE author_id = who LIMIT n';
            CREATE FUNCTION all_books() RETURNS SETOF books LANGUAGE sql AS 'SELECT * FROM books';
        """)
        members = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto'").fetchone()
        if members:
            conn.execute("CREATE EXTENSION pgcrypto")
        cache = SchemaCache.load(conn)
        model = introspect(conn)

    assert set(cache.relations) == {("public", n) for n in ("authors", "profiles", "books", "book_list", "events")}
    authors = cache.relations[("public", "authors")]
    assert authors.primary_key == ("id",) and authors.kind == "r" and authors.allows("INSERT")
    assert authors.columns["id"].has_default and authors.columns["id"].default == "nextval('public.authors_id_seq')"
    assert authors.columns["name"].default == "'anon'::text" and not authors.columns["name"].nullable
    assert authors.columns["name"].type_ref.name == "text"
    view = cache.relations[("public", "book_list")]
    assert view.kind == "v" and list(view.columns) == ["id", "writer", "shout"] and view.columns["shout"].type == "text"
    # the view shows books.author_id as `writer`: it reaches authors through it (view lineage, unqualified)
    to_author = cache.relationships(("public", "book_list"), "authors")
    assert [(r.cardinality, r.own, r.other) for r in to_author] == [("one", ("writer",), ("id",))]
    one_to_one = cache.relationships(("public", "authors"), "profiles")
    assert [r.cardinality for r in one_to_one] == ["one"]  # its key is the profile's primary key
    assert [r.cardinality for r in cache.relationships(("public", "authors"), "books")] == ["many"]
    (fn,) = cache.functions[("public", "by_author")]
    assert (fn.volatility, fn.returns_set, fn.scalar) == ("s", True, False)
    assert [(a.name, a.has_default, a.type_ref.name) for a in fn.arguments] == [
        ("who", False, "int4"),
        ("n", True, "int4"),
    ]
    assert fn.columns == (("title", "text"), ("rank", "integer"))
    (rows,) = cache.functions[("public", "all_books")]
    assert rows.row_of == "public.books" and rows.returns_set
    if members:  # an extension's functions are exposed, as PostgREST exposes them; migrations never see them
        assert ("public", "gen_random_uuid") in cache.functions  # pgcrypto's (gen_salt's arguments have no names)
        assert not any(f.name == "gen_random_uuid" for f in model.functions)
