"""PostgREST's security model: every request runs as a role the authenticator switches to — the
anonymous role without a token, the token's `role` claim with one (only a role the authenticator was
granted) — with its claims as the `request.jwt.claims` setting (and any setting mapped from a claim,
such as a doc's `app.current_user_id`), so GRANTs and RLS policies decide what a request may see and do."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from schemadoc.rest.statement import ApiError

VERIFIED_TOKENS = 10_000  # verified tokens remembered per process
ANON_STATEMENT_TIMEOUT = "5s"  # anonymous requests' statement_timeout unless one is given for the role


@dataclass
class AuthConfig:
    jwt_secret: str | None = None  # HS256/384/512
    jwks: dict[str, Any] | None = None  # RS256/ES256 public keys (a JWKS document)
    anon_role: str | None = None  # the role of requests without a token; None: they are refused
    role_claim: str = "role"
    claim_settings: dict[str, str] = field(default_factory=dict)  # setting → claim: app.current_user_id → sub
    audience: str | None = None
    statement_timeouts: dict[str, str] = field(default_factory=dict)  # role → statement_timeout ("5s")
    # what the authenticator may switch to, and those roles' own settings (read from the database at start)
    switchable: frozenset[str] | None = None
    role_settings: dict[str, dict[str, str]] = field(default_factory=dict)
    base_statement_timeout: str = "0"  # the authenticator's own (the server's and database's default)
    _anonymous: list[tuple[str, str]] | None = field(default=None, repr=False)  # an anonymous request's settings
    # tokens already verified: token → (role, claims, exp); a token is checked once, until it expires
    verified: dict[str, tuple[str, dict[str, Any], float | None]] = field(default_factory=dict, repr=False)
    _keys: Any = field(default=None, repr=False)  # the JWKS's keys, read once

    @property
    def enabled(self) -> bool:
        return bool(self.jwt_secret or self.jwks)

    @classmethod
    def from_options(
        cls,
        secret: str | None,
        jwks_file: str | None,
        anon_role: str | None,
        role_claim: str = "role",
        claim_settings: list[str] | None = None,
        audience: str | None = None,
        statement_timeouts: list[str] | None = None,
    ) -> AuthConfig:
        jwks = json.loads(Path(jwks_file).read_text()) if jwks_file else None
        mapped = dict(item.split("=", 1) for item in claim_settings or [])
        timeouts = dict(item.split("=", 1) for item in statement_timeouts or [])
        return cls(secret, jwks, anon_role, role_claim, mapped, audience, timeouts)


def _invalid(message: str) -> ApiError:
    e = ApiError(401, "PGRST301", message)
    e.headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{message}"'}
    return e


def authenticate(config: AuthConfig, authorization: str | None) -> tuple[str, dict[str, Any]]:
    """(role, claims) of a request: the anonymous role's without a token (401 when there is none), the
    token's role — one the authenticator may switch to — with one."""
    if not authorization:
        if config.anon_role is None:
            raise ApiError(401, "PGRST302", "Anonymous access is disabled")
        return config.anon_role, {"role": config.anon_role}
    if not config.enabled:
        raise ApiError(500, "PGRST300", "Server lacks JWT secret")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _invalid("Expected a Bearer token")
    known = config.verified.get(token)
    if known is not None and known[2] is not None and known[2] <= time.time():
        del config.verified[token]  # expired since: verified again below, and refused
        known = None
    if known is not None:
        role, claims = known[0], known[1]
    else:
        role, claims = _verify(config, token)
        if len(config.verified) >= VERIFIED_TOKENS:
            del config.verified[next(iter(config.verified))]  # the oldest
        exp = claims.get("exp")
        config.verified[token] = (role, claims, float(exp) if isinstance(exp, int | float) else None)
    if config.switchable is not None and role not in config.switchable:
        # what PostgreSQL answers an authenticator that was not granted the role: refused before any SQL
        raise ApiError(403, "42501", f'permission denied to set role "{role}"')
    return role, claims


def _verify(config: AuthConfig, token: str) -> tuple[str, dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        alg = header.get("alg", "")
        if alg.startswith("HS") and config.jwt_secret:
            key: Any = config.jwt_secret
        elif config.jwks and alg[:2] in ("RS", "ES", "PS"):
            if config._keys is None:
                config._keys = jwt.PyJWKSet.from_dict(config.jwks)
            keys = config._keys
            kid = header.get("kid")
            key = next((k.key for k in keys.keys if kid is None or k.key_id == kid), None)
            if key is None:
                raise _invalid("No suitable key or wrong key type")
        else:
            raise _invalid("Wrong or unsupported encoding algorithm")  # alg "none" lands here
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=config.audience,
            options={"verify_aud": config.audience is not None, "require": []},
        )
    except jwt.ExpiredSignatureError:
        raise _invalid("JWT expired") from None
    except jwt.PyJWTError as e:
        raise _invalid(f"JWSError {type(e).__name__}") from None
    role = claims.get(config.role_claim) or config.anon_role
    if not isinstance(role, str) or not role:
        raise ApiError(401, "PGRST302", "The JWT has no role claim and anonymous access is disabled")
    return role, claims


def settings(config: AuthConfig, role: str, claims: dict[str, Any]) -> list[tuple[str, str]]:
    """The settings of a request: role, request.jwt.claims, the role's own settings (ALTER ROLE … SET,
    which SET ROLE does not apply), its statement_timeout, mapped claims (empty when the token has none).
    Every setting an earlier request on the connection may have made is made again."""
    if role == config.anon_role and not claims.keys() - {"role"}:
        if config._anonymous is None:
            config._anonymous = _settings(config, role, claims)
        return config._anonymous  # the same for every anonymous request
    return _settings(config, role, claims)


def _settings(config: AuthConfig, role: str, claims: dict[str, Any]) -> list[tuple[str, str]]:
    out = [("role", role), ("request.jwt.claims", json.dumps(claims))]
    own = config.role_settings.get(role, {})
    out += [(k, v) for k, v in own.items() if k != "statement_timeout"]
    timeout = config.statement_timeouts.get(role) or own.get("statement_timeout")
    if timeout is None and role == config.anon_role:
        timeout = ANON_STATEMENT_TIMEOUT
    # the role's limit on every statement of its requests; else the server's own for the authenticator
    out.append(("statement_timeout", timeout or config.base_statement_timeout))
    for setting, claim in config.claim_settings.items():
        value = claims.get(claim)
        out.append((setting, "" if value is None else value if isinstance(value, str) else json.dumps(value)))
    return out
