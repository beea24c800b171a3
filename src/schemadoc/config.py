"""Project configuration: [tool.schemadoc] in pyproject.toml, or schemadoc.toml, found from the doc upward.

[tool.schemadoc]
select = ["SD3"]            # codes or prefixes to report (default: all)
ignore = ["SD321", "SD333"]  # codes or prefixes never reported
fail-on = "warning"          # lowest severity that makes `check` exit 1 (default: error)
postgres-version = 14        # the oldest PostgreSQL the schema must run on (SD380)
pg-version = 16              # the PostgreSQL major the embedded server runs (as --pg-version)
home = ".schemadoc"          # where the embedded server lives, from this file's folder
[tool.schemadoc.severity]
SD313 = "info"               # per-rule severity
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from schemadoc.errors import Diagnostic, SchemadocError, Severity

_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


@dataclass(frozen=True, slots=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    severity: dict[str, Severity] = field(default_factory=dict)
    source: str | None = None
    postgres_version: int | None = None
    pg_version: int | None = None  # the embedded server's major
    home: Path | None = None  # the embedded server's folder

    def wants(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(i) for i in self.ignore)

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        out = []
        for d in diagnostics:
            if not self.wants(d.code):
                continue
            level = self.severity.get(d.code)
            out.append(replace(d, severity=level) if level is not None else d)
        return out


def find_config(start: str | Path) -> Config:
    """The configuration that applies to a document at `start` (a file or directory)."""
    here = Path(start).resolve()
    for directory in [here] + list(here.parents) if here.is_dir() else list(here.parents):
        for name in ("schemadoc.toml", "pyproject.toml"):
            path = directory / name
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text())
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                raise SchemadocError(f"{path}: cannot read configuration: {e}") from None
            section = data if name == "schemadoc.toml" else data.get("tool", {}).get("schemadoc")
            if section is not None:
                return _config(section, str(path))
    return Config()


def _config(section: dict[str, object], source: str) -> Config:
    def codes(key: str) -> tuple[str, ...]:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SchemadocError(f"{source}: {key} must be a list of rule codes")
        return tuple(v.upper() for v in value)

    def level(value: object, what: str) -> Severity:
        if not isinstance(value, str) or value.lower() not in _SEVERITIES:
            raise SchemadocError(f"{source}: {what} must be one of error, warning, info")
        return _SEVERITIES[value.lower()]

    severities = section.get("severity", {})
    if not isinstance(severities, dict):
        raise SchemadocError(f"{source}: [severity] must map rule codes to error, warning or info")
    version = section.get("postgres-version")
    if version is not None and (not isinstance(version, int) or not 9 <= version <= 30):
        raise SchemadocError(f"{source}: postgres-version must be a major version number such as 14")
    embedded = section.get("pg-version")
    if embedded is not None and (not isinstance(embedded, int) or not 13 <= embedded <= 18):
        raise SchemadocError(f"{source}: pg-version must be a PostgreSQL major from 13 to 18")
    home = section.get("home")
    if home is not None and not isinstance(home, str):
        raise SchemadocError(f"{source}: home must be a folder path")
    return Config(
        postgres_version=version,
        pg_version=embedded,
        home=(Path(source).parent / home).resolve() if isinstance(home, str) else None,
        select=codes("select"),
        ignore=codes("ignore"),
        fail_on=level(section.get("fail-on", "error"), "fail-on"),
        severity={k.upper(): level(v, k) for k, v in severities.items()},
        source=source,
    )
