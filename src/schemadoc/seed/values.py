"""Realistic values per column (Faker with a fixed seed), by its name, its type and what its table holds."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from psycopg.types.json import Jsonb

from schemadoc import model as m
from schemadoc.names import singular
from schemadoc.seed.builtin import builtin_maker, composite_maker
from schemadoc.seed.shapes import Shaper
from schemadoc.types import PG_CATALOG_TYPES

_TEXT = re.compile(r"text|character varying|character|bpchar|citext|name|(\w+\.)?citext")


class Values:
    """Realistic values per column, by name and type, from Faker with a fixed seed."""

    def __init__(self, seed: int, locale: str = "en_US") -> None:
        from faker import Faker

        self.fake = Faker(locale)
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        self.composites: dict[str, m.CompositeType] = {}  # by key and by name: a composite column's attributes

    def maker(
        self,
        table: m.Table,
        col: m.Column,
        unique: bool,
        bounds: tuple[float | None, float | None],
        enums: dict[str, m.Enum],
        example: Any = None,
    ) -> Callable[[int], Any]:
        """Values for `col`; `example`: a JSON/array value the doc shows for it, whose shape to follow."""
        f, rng = self.fake, self.rng
        name = col.name.lower()
        t = col.type
        base = re.sub(r"\(.*\)", "", t).strip()
        lo, hi = bounds
        # (a bare name that is pg_catalog's is pg_catalog's type, whatever the document creates: see own_type_ref)
        bare = t.strip('"') if t.strip('"') not in PG_CATALOG_TYPES else None
        enum = enums.get(t) or (enums.get(bare) or enums.get(f"public.{bare}") if bare else None)
        if enum is not None:
            values = enum.values
            return lambda i: values[rng.randrange(len(values))]
        composite = self.composites.get(t) or (self.composites.get(bare) if bare else None)
        if composite is not None:
            return composite_maker(
                [self.maker(table, m.Column(a, ty), False, (None, None), enums) for a, ty in composite.attributes]
            )
        if t.endswith("[]"):
            inner = base.removesuffix("[]")
            if inner in ("smallint", "integer", "bigint", "numeric", "real", "double precision"):
                return lambda i: [rng.randint(1, 100) for _ in range(rng.randint(0, 3))]
            if not _TEXT.fullmatch(inner):  # an array of enums, uuids, dates, composites…: its element's values
                element = self.maker(table, m.Column(col.name, t.removesuffix("[]")), False, (None, None), enums)
                return lambda i: [element(i) for _ in range(rng.randint(0, 3))]
            shaper = self.shaper(table)
            shape = example if isinstance(example, list) else []
            return lambda i: shaper.make(shape, name)
        if base in ("smallint", "integer", "bigint", "numeric", "real", "double precision", "money"):
            return self._number(name, base, t, lo, hi, unique)
        if base == "boolean":
            return lambda i: rng.random() < 0.5
        if base.startswith("timestamp") or base == "date":
            return self._time(name, base)
        if base in ("time without time zone", "time with time zone"):
            return lambda i: dt.time(rng.randrange(24), rng.randrange(60))
        if base == "interval":
            return lambda i: dt.timedelta(minutes=rng.randrange(1, 10000))
        if base == "uuid":
            return lambda i: self.fake.uuid4()
        if base in ("json", "jsonb"):
            shaper = self.shaper(table)
            shape = example if example is not None else {}
            return lambda i: Jsonb(shaper.make(shape, name))
        if base == "inet":
            return lambda i: f.ipv4()
        if base == "bytea":
            return lambda i: rng.randbytes(16)
        own = builtin_maker(t, rng, self.now)
        if own is not None:
            return own
        return self._text(table, name, t, unique)

    def shaper(self, table: m.Table) -> Shaper:
        """Values shaped like an example, with strings made by key name as for columns of `table`."""
        makers: dict[str, Callable[[int], Any]] = {}

        def text(key: str) -> str:
            if key not in makers:
                makers[key] = self._text(table, key.lower(), "text", False)
            return str(makers[key](0))

        return Shaper(self.rng, text)

    def _number(
        self, name: str, base: str, t: str, lo: float | None, hi: float | None, unique: bool
    ) -> Callable[[int], Any]:
        rng = self.rng
        scale = 0
        mt = re.search(r"numeric\((\d+),(\d+)\)", t)
        precision = None
        if mt:
            precision, scale = int(mt.group(1)), int(mt.group(2))
        if lo is None and hi is None and base in ("numeric", "real", "double precision"):
            if name in ("lat", "latitude") or name.endswith("_lat") or name.endswith("_latitude"):
                lo, hi = -90, 90
            elif name in ("lng", "lon", "long", "longitude") or name.endswith(("_lng", "_lon", "_longitude")):
                lo, hi = -180, 180
        if lo is None:
            lo = 0 if re.search(r"price|amount|total|cost|qty|quantity|count|stock|points|rating|age|fee", name) else 1
        if hi is None:
            hi = {"rating": 5, "stars": 5}.get(name, 5 if "rating" in name else 10_000 if base != "smallint" else 1000)
            if "percent" in name or "discount" in name:
                hi = 100
            if precision is not None:
                hi = min(hi, 10 ** (precision - scale) - 1)
        lo_v, hi_v = float(lo), float(hi)
        if base in ("smallint", "integer", "bigint"):
            if unique:
                return lambda i: int(lo_v) + i
            return lambda i: rng.randint(int(lo_v), max(int(lo_v), int(hi_v)))
        if base == "numeric" or base == "money":
            places = scale if mt else 2
            return lambda i: Decimal(str(round(rng.uniform(lo_v, hi_v), places)))
        return lambda i: round(rng.uniform(lo_v, hi_v), 2)

    def _time(self, name: str, base: str) -> Callable[[int], Any]:
        rng = self.rng
        # later for the end of a span, so `ends_at > starts_at` style CHECKs hold
        later = bool(re.search(r"(updated|end|to$|_to_|until|expires|expiry|finished|completed|closed|last)", name))
        future = bool(re.search(r"(expires|expiry|due|scheduled|delivery|until|valid_to|end)", name))

        def make(i: int) -> Any:
            if future:
                value = self.now + dt.timedelta(days=rng.randint(30 if later else 1, 400))
            else:
                days = rng.randint(0, 300) if later else rng.randint(300, 700)
                value = self.now - dt.timedelta(days=days, seconds=rng.randrange(86400))
            if base == "date":
                return value.date()
            if "without" in base:
                return value.replace(tzinfo=None)
            return value

        return make

    def _named(self, table: str) -> Callable[[], str]:
        """A name that fits what `table` (or a column's word for it) holds: people's, companies',
        products', categories', places'; else the thing's own noun and a word."""
        f, rng = self.fake, self.rng
        kind = _kind_of(table)
        if kind == "person":
            return f.name
        if kind == "organization":
            return f.company
        if kind == "goods":
            return lambda: f"{rng.choice(_QUALITIES)} {f.word().title()}"
        if kind == "group":
            return lambda: f.word().title()
        if kind == "place":
            return f.city
        noun = singular(table).replace("_", " ").strip().title() or "Item"
        return lambda: f"{noun} {f.word().title()}"

    def _text(self, table: m.Table, name: str, t: str, unique: bool) -> Callable[[int], Any]:
        f, rng = self.fake, self.rng
        limit = None
        mt = re.search(r"\((\d+)\)", t)
        if mt:
            limit = int(mt.group(1))

        def cut(text: str) -> str:
            return text[:limit] if limit else text

        def tagged(make: Callable[[], str]) -> Callable[[int], str]:
            if unique:
                return lambda i: cut(f"{make()}-{i}") if not limit or limit > 8 else cut(f"{i}")
            return lambda i: cut(make())

        if "email" in name:
            return lambda i: cut(f"{f.user_name()}{i}@{f.free_email_domain()}" if unique else f.email())
        if name in ("first_name", "firstname", "given_name"):
            return tagged(f.first_name)
        if name in ("last_name", "lastname", "surname", "family_name"):
            return tagged(f.last_name)
        if name in ("full_name", "fullname", "display_name", "author", "contact_name", "customer_name"):
            return tagged(f.name)
        if name in ("username", "user_name", "login", "handle"):
            return tagged(f.user_name)
        if name in ("name", "label"):
            return tagged(self._named(table.name))
        if name.endswith("_name") and _kind_of(name.removesuffix("_name")) is not None:  # company_name, city_name
            return tagged(self._named(name.removesuffix("_name")))
        if "phone" in name or name == "mobile":
            return tagged(lambda: f.numerify("+1-###-###-####"))
        if "slug" in name:
            return lambda i: cut(f"{f.slug()}-{i}" if unique else f.slug())
        if "url" in name or "website" in name or "link" in name or "image" in name or "avatar" in name:
            return tagged(f.url)
        if name in ("city", "town"):
            return tagged(f.city)
        if name in ("country",):
            return tagged(f.country)
        if name in ("country_code",) or (limit == 2 and "country" in name):
            return lambda i: f.country_code()
        if "currency" in name:
            return lambda i: "USD" if not limit or limit >= 3 else "US"
        if "address" in name or "street" in name:
            return tagged(f.street_address)
        if "zip" in name or "postal" in name:
            return tagged(f.postcode)
        if "state" in name and "status" not in name:
            return tagged(f.state_abbr)
        if "password" in name or "hash" in name or "token" in name or "secret" in name or name.endswith("_key"):
            return lambda i: cut(f"{f.sha256()}{i if unique else ''}")
        if "color" in name or "colour" in name:
            return tagged(f.hex_color)
        if name in ("title", "subject", "headline"):
            return tagged(lambda: f.sentence(nb_words=4).rstrip("."))
        if "description" in name or name in ("body", "content", "bio", "notes", "note", "comment", "message", "text"):
            return tagged(lambda: f.paragraph(nb_sentences=2))
        if name in ("code", "sku", "reference", "ref") or name.endswith("_code") or name.endswith("_number"):
            return lambda i: cut(f"{f.bothify('??-####').upper()}-{i}" if unique else f.bothify("??-####").upper())
        if "ip" == name or name.endswith("_ip") or "ip_address" in name:
            return tagged(f.ipv4)
        if "lat" == name or "latitude" in name:
            return lambda i: str(f.latitude())
        if name in ("lng", "lon", "long", "longitude"):
            return lambda i: str(f.longitude())
        if "permission" in name or name in ("scope", "scopes"):
            return tagged(lambda: f"{f.word()}:{rng.choice(['read', 'write', 'create', 'update', 'delete'])}")
        if name in ("pro", "pros", "con", "cons", "feature", "features", "highlight", "highlights"):
            return tagged(lambda: f.sentence(nb_words=3).rstrip("."))
        if name.endswith(("time", "_slot", "timeslot")) and (not limit or limit >= 5):

            def slot() -> str:  # a time of day as text: "14:30", or a window "09:00-11:00" where it fits
                start = rng.randrange(7, 20)
                if not limit or limit >= 11:
                    return f"{start:02d}:00-{start + 2:02d}:00"
                return f"{start:02d}:{rng.choice(('00', '30'))}"

            return tagged(slot)
        if "status" in name or "type" in name or "role" in name or "kind" in name:
            return tagged(lambda: rng.choice(["active", "pending", "archived"]))
        return tagged(lambda: f.word())


_QUALITIES = ("Classic", "Deluxe", "Organic", "Premium", "Mini", "Family", "Signature", "Seasonal", "Fresh", "Vintage")


_KINDS = {
    "person": (
        "user account customer person people member employee staff author rider driver student teacher "
        "patient doctor contact client profile admin owner agent player guest subscriber candidate buyer "
        "seller courier instructor reviewer participant attendee passenger tenant volunteer"
    ),
    "organization": (
        "company vendor brand store organization org shop supplier merchant business restaurant bakery "
        "partner manufacturer retailer agency team tenant_org publisher provider"
    ),
    "goods": "product item menu_item dish cake good offering service plan course book recipe ingredient variant sku",
    "group": "category tag genre topic label collection department type group kind section",
    "place": "city location region branch venue warehouse site area zone",
}


def _kind_of(table: str) -> str | None:
    """What a table holds, by its name's last word: person, organization, goods, group or place."""
    last = singular(re.split(r"[_\s]+|(?<=[a-z])(?=[A-Z])", table)[-1] or table).lower()
    whole = singular(table).lower()
    for kind, words in _KINDS.items():
        vocabulary = words.split()
        if last in vocabulary or whole in vocabulary:
            return kind
    return None
