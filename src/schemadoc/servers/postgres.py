"""The embedded PostgreSQL: a private server under .schemadoc/ that schemadoc starts and stops itself.

One server per project: its home is `.schemadoc/` at the project's root, found from the doc's folder
(see `project_home`), so every command run from anywhere in the project reaches the same cluster. Its
port is chosen once, from the project's path, and kept across restarts, so a URL `up` printed stays
good. The binaries come from `schemadoc.servers.pgbin`. PostgreSQL refuses to run as root, so under root the
cluster belongs to an unprivileged system user.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schemadoc.errors import ServerError
from schemadoc.servers import pgbin

DEFAULT_HOME = ".schemadoc"
SUPERUSER = "postgres"


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    home: Path
    bindir: Path
    port: int

    @property
    def datadir(self) -> Path:
        return self.home / "pgdata"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"


def find_bindir(major: int | None = None) -> Path:
    """Where initdb/pg_ctl/postgres live (see `schemadoc.servers.pgbin` for the order)."""
    return pgbin.server(major).bindir


def _run_as() -> str | None:
    """The OS user that owns the cluster when we are root (PostgreSQL will not run as root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "schemadoc"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "schemadoc"],
        check=True,
        capture_output=True,
    )
    return "schemadoc"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # as PostgreSQL binds: a port whose last connections are in TIME_WAIT is free to it
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _stable_port(home: Path) -> int:
    """A port of the project's own: the one used last, else one derived from its path (54320–56319)."""
    saved = home / "port"
    if saved.exists():
        with contextlib.suppress(ValueError):
            port = int(saved.read_text().strip())
            if _port_free(port):
                return port
    first = 54320 + zlib.crc32(str(home).encode()) % 2000
    for offset in range(2000):
        port = 54320 + (first - 54320 + offset) % 2000
        if _port_free(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], user: str | None, what: str, timeout: float = 120) -> str:
    try:
        out = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            user=user,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )
    except subprocess.TimeoutExpired:
        raise ServerError(f"{what} did not finish within {timeout:.0f} s") from None
    if out.returncode != 0:
        raise ServerError(f"{what} failed: {(out.stderr or out.stdout).strip()[-800:]}")
    return out.stdout


@contextlib.contextmanager
def _lock(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _prepare_home(home: Path, user: str | None) -> None:
    home.mkdir(parents=True, exist_ok=True)
    if user is None:
        return
    entry = pwd.getpwnam(user)
    # the server user must reach the data directory through every parent
    for parent in [home, *home.resolve().parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o011)
    os.chown(home, entry.pw_uid, entry.pw_gid)


def _is_running(bindir: Path, datadir: Path, user: str | None) -> bool:
    if not (datadir / "postmaster.pid").exists():
        return False
    out = subprocess.run(
        [str(bindir / "pg_ctl"), "status", "-D", str(datadir)], capture_output=True, text=True, user=user
    )
    return out.returncode == 0


def project_home(start_at: str | Path | None = None) -> Path:
    """Where a project's embedded servers live: $SCHEMADOC_HOME, else the configuration's `home`, else
    `.schemadoc/` at the project root.

    The root is found from `start_at` (a doc or a folder; the current directory when None) upwards: the
    first folder that already holds `.schemadoc/`, else the first with schemadoc.toml, a pyproject.toml
    or a .git, else the doc's own folder. Never the current directory of whoever runs the command."""
    env = os.environ.get("SCHEMADOC_HOME")
    if env:
        return Path(env).absolute()
    here = Path(start_at).absolute() if start_at is not None else Path.cwd()
    from schemadoc.config import find_config

    configured = find_config(here).home
    if configured is not None:
        return configured
    folder = here if here.is_dir() else here.parent
    chain = [folder, *folder.parents]
    for d in chain:
        if (d / DEFAULT_HOME / "pgdata").is_dir():
            return d / DEFAULT_HOME
    for d in chain:
        if any((d / marker).exists() for marker in ("schemadoc.toml", "pyproject.toml", ".git")):
            return d / DEFAULT_HOME
    return folder / DEFAULT_HOME


def _cluster_major(datadir: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int((datadir / "PG_VERSION").read_text().strip())
    return None


def _installation(home: Path, major: int | None) -> pgbin.Installation:
    """The binaries for this home's cluster: the ones it was made with when still there, else its major's."""
    cluster = _cluster_major(home / "pgdata")
    if cluster is not None and major is not None and cluster != major:
        raise ServerError(
            f"the embedded server in {home} is PostgreSQL {cluster}, not {major}: "
            f"`schemadoc down --purge` removes it (and its databases), or use another SCHEMADOC_HOME"
        )
    with contextlib.suppress(OSError, ValueError, KeyError):
        recorded = json.loads((home / "server.json").read_text())
        inst = pgbin.Installation(Path(recorded["bindir"]), recorded["version"], recorded["source"])
        if inst.has_server and (cluster is None or inst.major == cluster):
            return inst
    return pgbin.server(cluster or major)


def start(home: str | Path | None = None, major: int | None = None) -> EmbeddedServer:
    """Start (or find running) the embedded server under `home`; idempotent."""
    home_path = Path(home).absolute() if home is not None else project_home()
    if major is None and os.environ.get("SCHEMADOC_PG_VERSION"):
        try:
            major = int(os.environ["SCHEMADOC_PG_VERSION"])
        except ValueError:
            raise ServerError(
                f"SCHEMADOC_PG_VERSION={os.environ['SCHEMADOC_PG_VERSION']} is not a major version"
            ) from None
    user = _run_as()
    with _lock(home_path):
        inst = _installation(home_path, major)
        bindir = inst.bindir
        _prepare_home(home_path, user)
        datadir = home_path / "pgdata"
        port_file = home_path / "port"
        if not (datadir / "PG_VERSION").exists():
            if datadir.exists():
                shutil.rmtree(datadir)
            _run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(datadir),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-sync",
                    *(["--no-instructions"] if inst.major >= 14 else []),
                ],
                user,
                "initdb",
            )
        (home_path / "server.json").write_text(
            json.dumps({"bindir": str(bindir), "version": inst.version, "source": inst.source}) + "\n"
        )
        if _is_running(bindir, datadir, user) and port_file.exists():
            server = EmbeddedServer(home_path, bindir, int(port_file.read_text()))
            _register(server)
            return server
        port = _stable_port(home_path)
        sockdir = home_path / "run"
        sockdir.mkdir(exist_ok=True)
        if user:
            entry = pwd.getpwnam(user)
            os.chown(sockdir, entry.pw_uid, entry.pw_gid)
        options = (
            f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockdir} "
            "-c fsync=off -c max_connections=100 -c shared_buffers=128MB "
            # a whole document is applied in one transaction: thousands of tables need more than 64 lock slots
            "-c max_locks_per_transaction=512"
        )
        _run(
            [
                str(bindir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(datadir),
                "-l",
                str(home_path / "server.log"),
                "-o",
                options,
            ],
            user,
            "starting PostgreSQL",
        )
        port_file.write_text(str(port))
        server = EmbeddedServer(home_path, bindir, port)
        _wait_ready(server)
        _register(server)
        return server


def _registry() -> Path:
    return pgbin.cache_dir() / "servers"


def _register(server: EmbeddedServer) -> None:
    """A note in the user's cache that this home runs a server, so `status`/`down --all` find it from anywhere."""
    with contextlib.suppress(OSError):
        _registry().mkdir(parents=True, exist_ok=True)
        key = hashlib.sha1(str(server.home).encode()).hexdigest()[:16]
        (_registry() / f"{key}.json").write_text(json.dumps({"home": str(server.home)}) + "\n")


def _unregister(home: Path) -> None:
    key = hashlib.sha1(str(home).encode()).hexdigest()[:16]
    with contextlib.suppress(OSError):
        (_registry() / f"{key}.json").unlink()


def known_homes() -> list[Path]:
    """Every home a server was started in and not stopped since (from any project on this machine)."""
    homes: list[Path] = []
    for entry in sorted(glob.glob(str(_registry() / "*.json"))):
        with contextlib.suppress(OSError, ValueError, KeyError):
            home = Path(json.loads(Path(entry).read_text())["home"])
            if (home / "pgdata").is_dir():
                homes.append(home)
                continue
        with contextlib.suppress(OSError):
            os.unlink(entry)  # its project was deleted
    return homes


@dataclass(frozen=True, slots=True)
class Status:
    home: Path
    exists: bool  # a cluster has been created there
    running: bool
    port: int | None
    version: str | None
    source: str | None
    bindir: str | None

    @property
    def url(self) -> str | None:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres" if self.running and self.port else None

    def as_json(self) -> dict[str, object]:
        return {
            "home": str(self.home),
            "exists": self.exists,
            "running": self.running,
            "port": self.port,
            "url": self.url,
            "version": self.version,
            "source": self.source,
            "bindir": self.bindir,
        }


def status(home: str | Path | None = None) -> Status:
    """What the embedded server under `home` is: created?, running?, on which port, which PostgreSQL."""
    home_path = Path(home).absolute() if home is not None else project_home()
    datadir = home_path / "pgdata"
    recorded: dict[str, str] = {}
    with contextlib.suppress(OSError, ValueError):
        recorded = json.loads((home_path / "server.json").read_text())
    port: int | None = None
    with contextlib.suppress(OSError, ValueError):
        port = int((home_path / "port").read_text().strip())
    running = False
    if (datadir / "PG_VERSION").exists():
        bindir = Path(recorded["bindir"]) if "bindir" in recorded else None
        if bindir is not None and (bindir / "pg_ctl").exists():
            running = _is_running(bindir, datadir, _run_as())
    return Status(
        home_path,
        (datadir / "PG_VERSION").exists(),
        running,
        port,
        recorded.get("version"),
        recorded.get("source"),
        recorded.get("bindir"),
    )


def _wait_ready(server: EmbeddedServer, timeout: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(server.url(), connect_timeout=3):
                return
        except psycopg.OperationalError as e:
            if time.monotonic() > deadline:
                raise ServerError(f"embedded PostgreSQL did not accept connections: {e}") from None
            time.sleep(0.2)


def stop(home: str | Path | None = None, *, purge: bool = False) -> bool:
    """Stop the embedded server; False when none was running. `purge` also deletes its cluster."""
    home_path = Path(home).absolute() if home is not None else project_home()
    datadir = home_path / "pgdata"
    if not datadir.exists():
        return False
    user = _run_as()
    stopped = False
    with _lock(home_path):
        if (datadir / "postmaster.pid").exists():
            bindir = _installation(home_path, None).bindir
            if _is_running(bindir, datadir, user):
                _run(
                    [str(bindir / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(datadir)],
                    user,
                    "stopping PostgreSQL",
                )
                stopped = True
        if purge:
            shutil.rmtree(datadir, ignore_errors=True)
            for name in ("server.json", "port", "server.log"):
                with contextlib.suppress(OSError):
                    (home_path / name).unlink()
        _unregister(home_path)
    return stopped
