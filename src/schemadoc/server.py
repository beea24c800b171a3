"""The embedded PostgreSQL: a private server under .schemadoc/ that schemadoc starts and stops itself.

It prefers the machine's PostgreSQL binaries (they carry the contrib extensions: uuid-ossp,
pg_trgm, pgcrypto, …) and falls back to the `pgserver` wheel. PostgreSQL refuses to run as root,
so under root the cluster belongs to an unprivileged system user.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schemadoc.errors import ServerError

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


def find_bindir() -> Path:
    """Where initdb/pg_ctl live: $SCHEMADOC_PG_BIN, the machine's PostgreSQL, or the pgserver wheel."""
    env = os.environ.get("SCHEMADOC_PG_BIN")
    candidates: list[Path] = [Path(env)] if env else []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0:
                candidates.append(Path(out.stdout.strip()))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += [Path(p) for p in versions]
    for tool in ("pg_ctl", "initdb"):
        found = shutil.which(tool)
        if found:
            candidates.append(Path(os.path.realpath(found)).parent)
    for c in candidates:
        if _has_server(c):
            return c
    wheel = _pgserver_bindir()
    if wheel is not None and _has_server(wheel):
        return wheel
    raise ServerError(
        "no PostgreSQL server binaries found: install PostgreSQL, or `pip install pgserver`, "
        "or set DATABASE_URL to a running server"
    )


def _has_server(bindir: Path) -> bool:
    return all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres"))


def _pgserver_bindir() -> Path | None:
    """The binaries inside the pgserver wheel, found without importing it (its import has side effects)."""
    import importlib.util

    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


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


def _free_port() -> int:
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


def start(home: str | Path | None = None) -> EmbeddedServer:
    """Start (or find running) the embedded server under `home`; idempotent."""
    home_path = Path(home or os.environ.get("SCHEMADOC_HOME") or DEFAULT_HOME).absolute()
    bindir = find_bindir()
    user = _run_as()
    with _lock(home_path):
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
                    "--no-instructions",
                ],
                user,
                "initdb",
            )
        if _is_running(bindir, datadir, user) and port_file.exists():
            return EmbeddedServer(home_path, bindir, int(port_file.read_text()))
        port = _free_port()
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
        return server


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


def stop(home: str | Path | None = None) -> bool:
    """Stop the embedded server; False when none was running."""
    home_path = Path(home or os.environ.get("SCHEMADOC_HOME") or DEFAULT_HOME).absolute()
    datadir = home_path / "pgdata"
    if not datadir.exists():
        return False
    bindir = find_bindir()
    user = _run_as()
    with _lock(home_path):
        if not _is_running(bindir, datadir, user):
            return False
        _run([str(bindir / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(datadir)], user, "stopping PostgreSQL")
        return True
