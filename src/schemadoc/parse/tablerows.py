"""The rows of a Markdown column table or a prose field list, read as columns (name, type, constraints,
description, in the languages docs are written in), and the heading that names their table."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from schemadoc.names import snake_case
from schemadoc.parse.blocks import Block, Heading
from schemadoc.parse.orm import orm_type

_NAME_HEADERS = (
    "column",
    "field",
    "name",
    "attribute",
    "column name",
    "field name",
    "property",
    "columns",
    "fields",
    "поле",
    "столбец",
    "колонка",
    "campo",
    "colonna",
    "columna",
    "champ",
    "colonne",
    "spalte",
    "feld",
    "nombre",
    "字段",
    "字段名",
    "字段名称",
    "列名",
    "列",
    "欄位",
    "欄位名稱",
    "カラム",
    "カラム名",
    "項目",
    "컬럼",
    "필드",
)


_TYPE_HEADERS = (
    "type",
    "data type",
    "datatype",
    "sql type",
    "db type",
    "postgres type",
    "field type",
    "column type",
    "тип",
    "тип данных",
    "tipo",
    "tipo de dato",
    "tipo di dato",
    "typ",
    "datentyp",
    "type de données",
    "类型",
    "類型",
    "数据类型",
    "數據類型",
    "資料類型",
    "字段类型",
    "型",
    "データ型",
    "타입",
    "자료형",
)


_CONSTRAINT_HEADERS = (
    "constraints",
    "constraint",
    "attributes",
    "key",
    "keys",
    "null",
    "nullable",
    "default",
    "modifiers",
    "properties",
    "options",
    "required",
    "pk",
    "fk",
    "is nullable",
    "allow null",
    "mandatory",
    "not null",
    "可空",
    "允许空",
    "允许为空",
    "是否为空",
    "是否可空",
    "非空",
    "必填",
    "是否必填",
    "obligatorio",
    "obbligatorio",
    "обязательное",
    "ограничения",
    "vincoli",
    "restricciones",
    "contraintes",
    "einschränkungen",
    "是否为空",
    "约束",
    "約束",
    "索引/约束",
    "键",
    "主键",
    "默认值",
    "默認值",
    "預設值",
    "制約",
    "제약",
)


_DESC_HEADERS = (
    "description",
    "notes",
    "comment",
    "comments",
    "remarks",
    "purpose",
    "details",
    "описание",
    "комментарий",
    "descrizione",
    "note",
    "descripción",
    "beschreibung",
    "notizen",
    "说明",
    "說明",
    "描述",
    "备注",
    "備註",
    "注释",
    "註釋",
    "含义",
    "字段含义",
    "説明",
    "備考",
    "설명",
    "비고",
)


# headings that name the part of a section, not the table: look one heading up for the table's name
_GENERIC_HEADINGS = {
    "fields",
    "columns",
    "attributes",
    "schema",
    "structure",
    "definition",
    "properties",
    "поля",
    "колонки",
    "столбцы",
    "атрибуты",
    "структура",
    "campi",
    "colonne",
    "campos",
    "columnas",
    "champs",
    "colonnes",
    "spalten",
    "felder",
}


_TABLE_WORDS = (
    r"table|model|entity|collection|модель|таблица|сущность|tabella|modello|tabla|modelo|entidad|tabelle|modell|modèle"
)


_FK = re.compile(
    r"(?:foreign\s+key|fk|references|ref)\s*(?:to\s*)?[(:→>-]*\s*`?(\w+)`?\s*(?:\.\s*`?(\w+)`?|\(\s*`?(\w+)`?\s*\))",
    re.I,
)


_TYPE_NOTE = re.compile(r"^\s*`?([\w .\[\]]+?(?:\([\d, ]+\))?)`?\s*(?:\(([^)]*)\))?\s*(\[\])?\s*(\?)?\s*$")


# a note that says something about keys or nullability, not what the column means
REMARK = re.compile(
    r"\b(pk|primary|unique|not null|nullable|optional|required|fk|foreign|auto|auto[-_ ]?increment|manual|indexed|default)\b",
    re.I,
)


@dataclass(slots=True)
class ColumnRow:
    name: str
    type_text: str
    note: str  # the type's parenthesised note: "CUID", "Enum"
    constraints: str
    description: str
    line: int
    raw_type: str = ""  # the whole type cell, as written


def _header_index(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, h in enumerate(header):
        if clean_cell(h).lower() in names:
            return i
    return None


def clean_cell(cell: str) -> str:
    return cell.replace("**", "").replace("`", "").strip()


def is_column_table(block: Block) -> bool:
    if block.kind != "table" or len(block.rows) < 2:
        return False
    header = block.rows[0]
    return _header_index(header, _NAME_HEADERS) is not None and _header_index(header, _TYPE_HEADERS) is not None


def table_name_from_heading(text: str, prisma: bool) -> str | None:
    """The table a heading names: '### users', '1. Users Table', 'Модель Budget', 'User (table: app_user)',
    '3.3 `material_tags` - 材料標籤關聯表', '歌单SongList Schema'. A name in backticks is the table's name as
    written; a name in words is snake_cased (in a Prisma doc: the model's name)."""
    explicit = re.search(r"\((?:db\s+)?table\s*[:=]\s*`?([A-Za-z_][\w.]*)`?\s*\)", text, re.I)
    if explicit:
        return explicit.group(1).split(".")[-1]
    quoted: list[str] = re.findall(r"`([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)`", text)
    lead = re.sub(rf"\b({_TABLE_WORDS}|the|an?)\b|[\d.)#*:\s-]", "", text.split("`")[0], flags=re.I)
    if len(quoted) == 1 and not re.search(r"[A-Za-z]", lead):
        return str(quoted[0].split(".")[-1])  # the heading leads with it: "3.3 `material_tags` - …", "`LeagueMeet`"
    t = clean_cell(text)
    t = re.sub(r"^\s*((\d+(\.\d+)*|[a-zA-Z])[.)]?\s+)+", "", t)  # "1. Users Table", "3.3 Tags", "a) Users"
    t = re.sub(r"\s*[-–—:]\s+.*$", "", t)  # "Organization - Organizzazioni"
    t = re.sub(r"\s*[（(][^)）]*[)）]\s*$", "", t)  # "… (我关注的歌手)"
    t = re.sub(r"[^\x00-\x7f]+", " ", t)  # words in other scripts: "歌单SongList Schema" is SongList
    t = re.sub(rf"\s*\((?:{_TABLE_WORDS})\)\s*$", "", t, flags=re.I)
    t = re.sub(rf"\s+({_TABLE_WORDS}|schema)\s*$", "", t, flags=re.I)
    t = re.sub(rf"^({_TABLE_WORDS})\s*[:\s]\s*", "", t, flags=re.I)
    t = t.strip().strip(":")
    if not t or not re.match(r"^[A-Za-z_][\w ]*$", t) or t.lower() in _GENERIC_HEADINGS:
        return None
    if prisma:
        return t.replace(" ", "")
    return snake_case(t.replace(" ", "_"))


NOT_TABLE_SECTIONS = re.compile(
    r"\b(index(es)?|indices|relationships?|relations|constraints|migrations?|queries|"
    r"maintenance|backups?|monitoring|security|seeds?|overview|conventions|enums?|triggers?|views?|"
    r"functions?|policies|indici|relazioni|índices|relaciones|индексы|связи)\b",
    re.I,
)


def names_other_section(text: str) -> bool:
    """True for a lead-in such as '**Indexes:**' or 'Relationships:' that says what a list is about."""
    return bool(NOT_TABLE_SECTIONS.search(clean_cell(text)))


_TABLES_SECTION = re.compile(rf"\b(tables?|{_TABLE_WORDS}|models|entities|tabelle|tablas|таблицы)\b|表", re.I)


def in_tables_section(headings: tuple[Heading, ...]) -> bool:
    """Whether the last heading is one of a section of tables ("## Core Tables" / "### policies")."""
    return any(_TABLES_SECTION.search(clean_cell(h.text)) for h in headings[:-1])


def table_heading(headings: tuple[Heading, ...], prisma: bool) -> tuple[str, Heading] | None:
    """The nearest heading that names a table, skipping generic ones such as '### Columns'. In a section
    of tables, "### policies" is a table, not a section about policies."""
    if headings and NOT_TABLE_SECTIONS.search(clean_cell(headings[-1].text)) and not in_tables_section(headings):
        return None
    for h in reversed(headings):
        if clean_cell(h.text).strip(":").lower() in _GENERIC_HEADINGS:
            continue
        name = table_name_from_heading(h.text, prisma)
        return (name, h) if name else None
    return None


_BARE_ITEM = re.compile(r"^`[A-Za-z_][\w$]*`\s*(?:[:—–-]\s*.*)?$")


# a column's type from its name, where the doc gives none
_NAME_TYPES = (
    (re.compile(r"^id$", re.I), "bigint"),
    (
        re.compile(r"(_at|At|_time|_timestamp)$|^(created|updated|deleted|expires|started|finished)$", re.I),
        "timestamp with time zone",
    ),  # fmt: skip
    (re.compile(r"(_on|_date|Date)$|^date$", re.I), "date"),
    (
        re.compile(
            r"^(is|has|can|should|allow)(_|[A-Z])|(_enabled|_active|_flag|Enabled|Active)$|^(active|enabled)$", re.I
        ),
        "boolean",
    ),  # fmt: skip
    (
        re.compile(
            r"(_count|Count|_total_count|_number|_seconds|_ms|_bytes|_size|_order|_position|_version)$|"
            r"^(count|position|version|priority|rank|port)$",
            re.I,
        ),
        "integer",
    ),  # fmt: skip
    (
        re.compile(
            r"(_json|_data|_metadata|_payload|_details|_config|_settings|Json)$|^(metadata|payload|data|details|"
            r"config|settings|attributes)$",
            re.I,
        ),
        "jsonb",
    ),  # fmt: skip
)


def name_type(column: str) -> str:
    """The type a column's name suggests (created_at: timestamptz, is_active: boolean), else text."""
    for pattern, sql_type in _NAME_TYPES:
        if pattern.search(column):
            return sql_type
    return "text"


_PROSE_ITEM = re.compile(
    r"^`(?P<name>[A-Za-z_][\w$]*)`\s*(?:\((?P<type>[^()]*(?:\([^()]*\)[^()]*)*)\))?\s*(?:[:—–-]\s*(?P<desc>.*))?$"
)


_OPTIONAL_WORDS = re.compile(
    r"\b(nullable|optional|opzionale|opcional|facultatif|optionnel|необязательн\w*|null allowed)\b", re.I
)


_PK_WORDS = re.compile(r"\b(primary key|pk|chiave primaria|clave primaria|первичный ключ)\b", re.I)


def prose_rows(block: Block) -> list[ColumnRow] | None:
    """Columns from list items such as "`id` (UUID): identifier" or "Contacts: `email`, `phone`"."""
    rows: list[ColumnRow] = []
    typed = 0  # items that give a type: without one, a list of `names` is prose about columns, not a table
    for line, text in block.items:
        item = text.strip()
        mt = _PROSE_ITEM.match(item)
        names: list[str]
        if mt:
            names, type_text, desc = [mt.group("name")], (mt.group("type") or "").strip(), mt.group("desc") or ""
            bare = _OPTIONAL_WORDS.sub("", type_text).strip(" ,")
            if bare and orm_type(bare) is None:
                continue  # "(unique)", "(for lookups)": a remark about a column, not its type
        else:
            # "`firstName`, `lastName`: names" or "Contacts: `email`, `phone`"
            head, sep, tail = item.partition(":")
            before = re.findall(r"`([A-Za-z_][\w$]*)`", head)
            after = re.findall(r"`([A-Za-z_][\w$]*)`", tail)
            if before and not re.sub(r"`[A-Za-z_][\w$]*`|[,\s]|\band\b", "", head):
                names, desc = before, tail.strip()
            elif sep and after and not re.sub(r"`[A-Za-z_][\w$]*`|[,\s]|\band\b", "", tail):
                names, desc = after, head.strip()
            else:
                continue
            type_text = ""
        constraints = []
        if _PK_WORDS.search(desc):
            constraints.append("primary key")
        if _OPTIONAL_WORDS.search(desc) or _OPTIONAL_WORDS.search(type_text) or not type_text:
            constraints.append("nullable")  # a column the doc gives no type is not known to be required
        if re.search(r"\b(unique|univoc[ao]|único|уникальн\w*)\b", desc, re.I):
            constraints.append("unique")
        type_text = _OPTIONAL_WORDS.sub("", type_text).strip(" ,")
        typed += bool(type_text)
        given = type_text
        type_text = type_text or "text"
        for name in names:
            rows.append(ColumnRow(name, type_text, "", ", ".join(constraints), desc.strip(), line, given))
    if (
        not typed
        and rows
        and len(rows) == len(block.items) >= 2
        and all(_BARE_ITEM.match(t.strip()) for _, t in block.items)
    ):
        # a list of nothing but column names (`id`, `tenant_id`, …) under a table's heading: the columns,
        # their types taken from their names
        return [replace(r, type_text=name_type(r.name), raw_type="") for r in rows]
    return rows if typed and len(rows) >= 2 and len(rows) >= len(block.items) // 2 else None


# headers whose yes/no cell says whether a column may be NULL (True) or must have a value (False)
_NULLABLE_HEADERS = {"null": True, "nullable": True, "is nullable": True, "optional": True, "allow null": True,
                     "可空": True, "允许空": True, "允许为空": True, "是否为空": True, "是否可空": True,
                     "required": False, "not null": False, "mandatory": False, "非空": False, "必填": False,
                     "是否必填": False, "obligatorio": False, "obbligatorio": False, "обязательное": False,
                     "requis": False, "pflicht": False}  # fmt: skip


_YES = re.compile(r"^(yes|y|true|t|1|✓|✔|✅|x|是|да|sí|si|oui|ja|sim)$", re.I)


_NO = re.compile(r"^(no|n|false|f|0|✗|✘|❌|-|否|нет|non|nein|não|nao)$", re.I)


_DEFAULT_HEADERS = {"default", "默认值", "默認值", "預設值", "デフォルト", "기본값", "valor por defecto", "standardwert",
                    "défaut", "по умолчанию", "predefinito"}  # fmt: skip


# constraint words in other languages, as the reader's own
_CONSTRAINT_WORDS = {"主键": "primary key", "主鍵": "primary key", "唯一": "unique", "非空": "not null",
                     "不为空": "not null", "不可为空": "not null", "必填": "not null", "自增": "auto increment",
                     "自增长": "auto increment", "自動増分": "auto increment", "外键": "foreign key", "外鍵": "foreign key",
                     "主キー": "primary key", "一意": "unique", "기본키": "primary key", "고유": "unique"}  # fmt: skip


# a Default cell that describes the value instead of giving one, in parentheses or alone
_PLACEHOLDER = re.compile(
    r"^\(?\s*(required|mandatory|auto|automatic|generated|computed|identity|none|empty|n/a|optional|"
    r"no default|not set|unset)\s*\)?$",
    re.I,
)


def _constraint_words(text: str) -> str:
    for word, meaning in _CONSTRAINT_WORDS.items():
        text = text.replace(word, f" {meaning} ")
    return text


def _constraint_cell(header: str, cell: str) -> str:
    """A constraints column's cell as words the reader knows: `Nullable: NO` is "not null"."""
    h = header.lower()
    if h in _DEFAULT_HEADERS:
        if not cell or cell.lower() in ("-", "无", "無", "none", "null", "n/a", "—"):
            return ""
        if _constraint_words(cell).strip() == "auto increment":
            return "auto increment"
        placeholder = _PLACEHOLDER.match(cell)
        if placeholder is not None:  # "(required)", "(auto)": a word about the value, not a value
            return "not null" if placeholder.group(1).lower() in ("required", "mandatory") else ""
        return f"default: {cell}"
    if h in _NULLABLE_HEADERS and (_YES.match(cell) or _NO.match(cell)):
        may_be_null = bool(_YES.match(cell)) == _NULLABLE_HEADERS[h]
        return "nullable" if may_be_null else "not null"
    return cell


def _type_and_constraints(cell: str) -> tuple[str, str]:
    """A type cell that also lists constraints after a comma — `String(64), Primary Key`, `Integer,
    Default 0` — as (type, constraints); commas inside parentheses (`numeric(10, 2)`, `Enum('a', 'b')`)
    belong to the type."""
    depth = 0
    for i, ch in enumerate(cell):
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            rest = cell[i + 1 :].strip()
            if REMARK.search(rest):
                return cell[:i].strip(), rest
            return cell, ""
    return cell, ""


def read_rows(block: Block) -> list[ColumnRow]:
    header = block.rows[0]
    ni = _header_index(header, _NAME_HEADERS)
    ti = _header_index(header, _TYPE_HEADERS)
    ci = [i for i, h in enumerate(header) if clean_cell(h).lower() in _CONSTRAINT_HEADERS]
    di = _header_index(header, _DESC_HEADERS)
    rows: list[ColumnRow] = []
    for row, line in zip(block.rows[1:], block.row_lines[1:], strict=True):
        if ni is None or ti is None or ni >= len(row) or ti >= len(row):
            continue
        name = clean_cell(row[ni])
        if not name or not re.match(r"^[\w$]+$", name):
            continue
        type_cell, folded = _type_and_constraints(clean_cell(row[ti]))
        mt = _TYPE_NOTE.match(type_cell)
        type_text, note = (type_cell, "")
        if mt:
            type_text = mt.group(1).strip() + (mt.group(3) or "") + (mt.group(4) or "")
            note = (mt.group(2) or "").strip()
        cells = [_constraint_cell(clean_cell(header[i]), clean_cell(row[i])) for i in ci if i < len(row)]
        constraints = _constraint_words(", ".join(c for c in [*cells, folded] if c))
        desc = clean_cell(row[di]) if di is not None and di < len(row) else ""
        rows.append(ColumnRow(name, type_text, note, constraints, desc, line, type_cell))
    return rows
