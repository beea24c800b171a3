"""`schemadoc docs`: the static schema site, read back as HTML and driven in headless Chromium."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import schemadoc
from schemadoc.cli import main
from schemadoc.docs.site import build, page_name
from schemadoc.lint import check

from .conftest import CORPUS, ROOT, SEEDS, shared

SHOTS = ROOT / "build" / "screenshots"


class _Page(HTMLParser):
    """Links, element ids and text of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "xlink:href") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _site(doc_path: Path, out: Path) -> tuple[schemadoc.LoadedDocument, list[schemadoc.Diagnostic]]:
    doc = schemadoc.load(doc_path)
    findings = check(doc)
    build(doc, findings, out)
    return doc, findings


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_page_per_table_and_view_with_its_columns_and_every_link_resolving(name: str, tmp_path: Path) -> None:
    doc, findings = _site(SEEDS[name], tmp_path)
    schema = doc.schema
    pages = sorted(tmp_path.rglob("*.html"))
    for t in schema.tables:
        path = tmp_path / "tables" / page_name(t.key)
        if t.partition_of:
            assert not path.exists()
            continue
        text = "".join(_read(path).text)
        for c in t.columns:
            assert c.name in text, (t.key, c.name)
        for ix in schema.indexes:
            if ix.table_key == t.key:
                assert ix.name in text
    for v in schema.views:
        assert (tmp_path / "views" / page_name(v.key)).exists()
    # every relative link of every page points at a file the site has (and an anchor that exists)
    for page in pages:
        for link in _read(page).links:
            if link.startswith(("http:", "https:", "data:", "mailto:")) or link.startswith("#"):
                continue
            target, _, anchor = link.partition("#")
            file = (page.parent / target).resolve()
            assert file.exists(), (page, link)
            if anchor and file.suffix == ".html":
                assert anchor in _read(file).ids, (page, link)
    # each finding is listed once on the findings page; the ones at a table also on its page
    all_text = "".join(_read(tmp_path / "findings.html").text)
    assert all(d.message in all_text for d in findings)


def test_table_page_has_the_docs_own_words_and_the_findings_at_it(tmp_path: Path) -> None:
    _, findings = _site(SEEDS["bakery"], tmp_path)
    text = "".join(_read(tmp_path / "tables" / "public.orders.html").text)
    assert "CREATE TABLE orders (" in text  # its section of the doc, rendered
    assert "CREATE INDEX idx_orders_created_at ON orders(created_at);" in text
    assert "CREATE TABLE users" not in text  # not another table's section
    at_orders = [d for d in findings if d.span and d.code == "SD324" and "orders.status" in d.message]
    assert at_orders and f"line {at_orders[0].span.line}" in text  # type: ignore[union-attr]
    assert "update_orders_updated_at" in text and "before update for each row" in text
    assert "references users" in re.sub(r"\s+", " ", text)
    assert "custom_cake_configurations" in text  # referenced by
    assert "Row-level security" not in text  # the doc's RLS section is a "Future Enhancement", not the schema


def test_policies_grants_and_comments_on_the_tables_page(tmp_path: Path) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text(
        "# Notes\n\n## Notes table\n\nEach user's private notes.\n\n```sql\n"
        "CREATE ROLE app_user;\n"
        "CREATE TABLE notes (id bigint PRIMARY KEY, owner text NOT NULL, body text);\n"
        "COMMENT ON COLUMN notes.owner IS 'who wrote it';\n"
        "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n"
        "CREATE POLICY own_notes ON notes FOR SELECT TO app_user USING (owner = current_user);\n"
        "GRANT SELECT ON notes TO app_user;\n```\n"
    )
    _site(doc, tmp_path / "site")
    text = re.sub(r"\s+", " ", "".join(_read(tmp_path / "site" / "tables" / "public.notes.html").text))
    assert "row level security" in text
    assert "own_notes: permissive for select to app_user using owner = CURRENT_USER" in text
    assert "select to app_user" in text and "who wrote it" in text
    assert "Each user's private notes." in text


def test_shared_sql_block_shows_the_tables_own_statement(tmp_path: Path) -> None:
    """Tables defined together in one block: each page shows its own CREATE TABLE and comment, not the others'."""
    doc = tmp_path / "shop.md"
    doc.write_text(
        "# Shop\n\n## Schema\n\n```sql\n"
        "-- what we sell\nCREATE TABLE products (\n  id bigint PRIMARY KEY,\n  name text NOT NULL\n);\n\n"
        "-- one line of an order\nCREATE TABLE order_items (\n  id bigint PRIMARY KEY,\n"
        "  product_id bigint REFERENCES products(id),\n  qty int CHECK (qty > 0)\n);\n"
        "CREATE INDEX order_items_product_id_idx ON order_items (product_id);\n```\n"
    )
    _site(doc, tmp_path / "site")
    page = "".join(_read(tmp_path / "site" / "tables" / "public.order_items.html").text)
    assert "-- one line of an order\nCREATE TABLE order_items (" in page
    assert "CREATE TABLE products" not in page and "what we sell" not in page
    products = "".join(_read(tmp_path / "site" / "tables" / "public.products.html").text)
    assert "-- what we sell\nCREATE TABLE products (" in products and "CREATE TABLE order_items" not in products


def test_diagram_tables_link_to_their_pages(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed: make install sets it up")
    doc, _ = _site(shared(CORPUS / "033.md"), tmp_path)
    index = (tmp_path / "index.html").read_text()
    assert "<svg" in index
    for t in doc.schema.tables:
        if not t.partition_of:
            assert f'xlink:href="tables/{page_name(t.key)}"' in index, t.key


def test_hostile_names_link_only_to_the_sites_own_pages(tmp_path: Path) -> None:
    """A table named like DOT or HTML syntax is drawn as its name: the site builds, and every link of
    every page (the diagram's too) is to a page of the site."""
    names = ['a" [URL="javascript:alert(12)"]; "b', 'x"; --', "<script>alert(1)</script>", "q\\"]
    blocks = "".join(
        '```sql\nCREATE TABLE "{0}" (id int PRIMARY KEY, "{0}" int);\n```\n\n'.format(n.replace('"', '""'))
        for n in names
    )
    path = tmp_path / "hostile.md"
    path.write_text(f"# Shop\n\n## {names[0]}\n\n{blocks}## Other\n\n```sql\nCREATE TABLE t (id int);\n```\n")
    out = tmp_path / "site"
    _site(path, out)
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        for link in _read(page).links:
            if link == "data:,":  # the empty favicon
                continue
            assert not re.match(r"[a-z][a-z0-9+.-]*:", link, re.I), (page, link)  # no scheme: javascript:, http:…
            target = link.partition("#")[0]
            assert (page.parent / target).resolve().exists(), (page, link)


def test_cli_writes_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", str(SEEDS["venta"]), "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "index.html").exists()
    assert "open" in capsys.readouterr().err


# ---- in a real browser --------------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian: apt install chromium; make install sets it up as root)")


def test_site_in_headless_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    browser_path = _chromium()
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed: make install sets it up")
    _site(SEEDS["bakery"], tmp_path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        pages = sorted(tmp_path.rglob("*.html"))
        for path in pages:
            page.goto(path.as_uri())
            assert page.title()
        assert problems == [], problems
        # the diagram: fitted to the page at 1400 px (nothing cut off), at actual size on request
        page.goto((tmp_path / "index.html").as_uri())
        page.screenshot(path=str(SHOTS / "docs-index.png"))
        box = page.locator(".diagram").bounding_box()
        svg = page.locator(".diagram svg").bounding_box()
        assert box and svg and svg["x"] >= box["x"] and svg["x"] + svg["width"] <= box["x"] + box["width"] + 1
        assert page.evaluate(
            "document.querySelector('.diagram').scrollWidth <= document.querySelector('.diagram').clientWidth"
        )
        page.click("#diagram-size")
        assert (
            page.locator(".diagram.actual").count() == 1 and page.locator("#diagram-size").inner_text() == "Fit to page"
        )
        page.click("#diagram-size")
        fitted = svg["width"]
        page.click("#zoom-in")
        page.click("#zoom-in")
        zoomed = page.locator(".diagram svg").bounding_box()
        assert zoomed and zoomed["width"] > fitted * 1.5  # zoomed in, the box scrolls
        assert page.evaluate(
            "document.querySelector('.diagram').scrollWidth > document.querySelector('.diagram').clientWidth"
        )
        page.click("#zoom-out")
        smaller = page.locator(".diagram svg").bounding_box()
        assert smaller and smaller["width"] < zoomed["width"]
        assert page.locator("#diagram-size").inner_text() == "Fit to page"
        page.click("#diagram-size")  # back to the page's width
        back = page.locator(".diagram svg").bounding_box()
        assert back and abs(back["width"] - fitted) < 2
        # the findings page: errors and warnings shown, notes behind their checkbox
        page.goto((tmp_path / "findings.html").as_uri())
        notes = page.locator('tr[data-sev="info"]')
        warnings = page.locator('tr[data-sev="warning"]')
        assert notes.count() > 0 and warnings.count() > 0
        assert not notes.first.is_visible() and warnings.first.is_visible()
        page.check('.filters input[data-sev="info"]')
        assert notes.first.is_visible()
        page.uncheck('.filters input[data-sev="warning"]')
        assert not warnings.first.is_visible()
        # a click on a table in the diagram goes to its page
        page.goto((tmp_path / "index.html").as_uri())
        page.click('svg a[*|href="tables/public.products.html"]')
        page.wait_for_url("**/tables/public.products.html")
        assert page.locator("h1").inner_text() == "products"
        # search from any page: type, see hits, Enter goes to the first
        page.fill("#search input", "order_it")
        hits = page.locator("#search ol a")
        assert hits.count() >= 1 and hits.first.inner_text().startswith("order_items")
        page.press("#search input", "Enter")
        page.wait_for_url("**/tables/public.order_items.html")
        page.fill("#search input", "loyalty points")
        assert "loyalty_points" in page.locator("#search ol a").first.inner_text()
        page.fill("#search input", "zzzz-no-such-thing")
        assert page.locator("#search ol a").count() == 0
        page.goto((tmp_path / "tables" / "public.orders.html").as_uri())
        page.screenshot(path=str(SHOTS / "docs-table-orders.png"), full_page=True)
        browser.close()
    assert problems == [], problems
    for shot in ("docs-index.png", "docs-table-orders.png"):
        data = (SHOTS / shot).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, shot
