"""What `schemadoc serve` configures: one typed value for this process's app and for each worker's."""

from __future__ import annotations

import base64
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from schemadoc import model as m
from schemadoc.errors import SchemadocError

MAX_BODY = 10 * 1024 * 1024  # bytes of a request body, unless serve --max-body says otherwise (413 above)
ENV = "SCHEMADOC_SERVE_CONFIG"  # how a worker process (uvicorn --workers N) receives its configuration
_INLINE = 64 * 1024  # larger configurations go to a private file the variable names ("@path")


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """The API's options: the authenticator's DSN, the exposed schemas, each worker's request connections,
    the JWT options, and the doc's Redis key layouts (the model, never a path to read again) with the Redis
    they are on and the rate limit."""

    dsn: str
    schemas: tuple[str, ...] = ("public",)
    pool: int = 10
    allow_superuser: bool = False
    max_body: int = MAX_BODY
    deadline: float | None = None  # seconds a request may hold a connection; None: the API's default
    jwt_secret: str | None = None
    jwks: str | None = None
    anon_role: str | None = None
    role_claim: str = "role"
    claim_settings: tuple[str, ...] = ()
    statement_timeouts: tuple[str, ...] = ()
    keyspaces: tuple[m.Keyspace, ...] = ()
    redis_url: str | None = None
    rate_limit: int | None = None

    def export(self) -> None:
        """Hand this configuration to worker processes started after this call (through the environment)."""
        data = base64.b64encode(pickle.dumps(self)).decode()
        if len(data) <= _INLINE:
            os.environ[ENV] = data
            return
        fd, path = tempfile.mkstemp(prefix="schemadoc-serve-", suffix=".config")  # mode 0600: ours alone
        with os.fdopen(fd, "w") as fh:
            fh.write(data)
        os.environ[ENV] = f"@{path}"

    @classmethod
    def imported(cls) -> ServeConfig:
        """The configuration `export` handed to this worker."""
        data = os.environ.get(ENV)
        if not data:
            raise SchemadocError(f"no serve configuration: ${ENV} is not set (schemadoc serve sets it)")
        if data.startswith("@"):
            data = Path(data[1:]).read_text()
        config = pickle.loads(base64.b64decode(data))
        if not isinstance(config, cls):
            raise SchemadocError(f"${ENV} does not hold a serve configuration")
        return config

    @staticmethod
    def forget() -> None:
        """Remove what `export` left behind (the variable, and its file if it wrote one)."""
        data = os.environ.pop(ENV, "")
        if data.startswith("@"):
            Path(data[1:]).unlink(missing_ok=True)
