"""Read mermaid erDiagram blocks: entities with attributes, and relationships with cardinality."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_REL = re.compile(
    r'^\s*"?([\w-]+)"?\s*(\|\||\|o|o\||\}\||\|\{|\}o|o\{)\s*(--|\.\.)\s*(\|\||\|o|o\||\}\||\|\{|\}o|o\{)\s*"?([\w-]+)"?\s*(?::\s*(.*))?$'
)
_ENTITY_OPEN = re.compile(r'^\s*"?([\w-]+)"?\s*(?:\[[^\]]*\])?\s*\{\s*$')
_ATTR = re.compile(r'^\s*([\w\[\]().,]+)\s+([\w$]+)\s*((?:\s*(?:PK|FK|UK)\s*,?)*)\s*(?:"(.*)")?\s*$')


@dataclass(frozen=True, slots=True)
class Relationship:
    left: str
    right: str
    left_many: bool
    right_many: bool
    left_optional: bool
    right_optional: bool
    label: str
    line: int

    @property
    def many_to_many(self) -> bool:
        return self.left_many and self.right_many


@dataclass(frozen=True, slots=True)
class Attribute:
    type: str
    name: str
    keys: tuple[str, ...]
    comment: str
    line: int


@dataclass(slots=True)
class Entity:
    name: str
    line: int
    attributes: list[Attribute] = field(default_factory=list)
    end_line: int = 0  # its closing brace's


@dataclass(slots=True)
class Diagram:
    entities: dict[str, Entity] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)


def _many(marker: str) -> bool:
    return "{" in marker or "}" in marker


def _optional(marker: str) -> bool:
    return "o" in marker


def is_er_diagram(text: str) -> bool:
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("%%"):
            return s.startswith("erDiagram")
    return False


def parse_mermaid(text: str, base_line: int) -> Diagram:
    d = Diagram()
    current: Entity | None = None
    for i, raw in enumerate(text.splitlines()):
        line_no = base_line + i
        s = raw.split("%%", 1)[0].rstrip()
        if not s.strip() or s.strip() == "erDiagram":
            continue
        if current is not None:
            if s.strip() == "}":
                current.end_line = line_no
                current = None
                continue
            am = _ATTR.match(s)
            if am:
                keys = tuple(k.strip() for k in re.split(r"[\s,]+", am.group(3) or "") if k.strip())
                current.attributes.append(Attribute(am.group(1), am.group(2), keys, am.group(4) or "", line_no))
            continue
        em = _ENTITY_OPEN.match(s)
        if em:
            current = d.entities.setdefault(em.group(1), Entity(em.group(1), line_no))
            continue
        rm = _REL.match(s)
        if rm:
            left, lm, _, rmk, right, label = rm.groups()
            d.relationships.append(
                Relationship(
                    left,
                    right,
                    _many(lm),
                    _many(rmk),
                    _optional(lm),
                    _optional(rmk),
                    (label or "").strip().strip('"'),
                    line_no,
                )
            )
    return d
