"""PostgREST's security model: a JWT's `role` claim becomes the transaction's role, its claims the
`request.jwt.claims` setting (and any setting mapped from a claim, such as a doc's
`app.current_user_id`), so GRANTs and RLS policies decide what a request may see and do."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from schemadoc.rest.build import ApiError

VERIFIED_TOKENS = 10_000  # verified tokens remembered per process


@dataclass
class AuthConfig:
    jwt_secret: str | None = None  # HS256/384/512
    jwks: dict[str, Any] | None = None  # RS256/ES256 public keys (a JWKS document)
    anon_role: str | None = None  # the role of requests without a token; None: they are refused
    role_claim: str = "role"
    claim_settings: dict[str, str] = field(default_factory=dict)  # setting → claim: app.current_user_id → sub
    audience: str | None = None
    statement_timeouts: dict[str, str] = field(default_factory=dict)  # role → statement_timeout ("5s")
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


def authenticate(config: AuthConfig, authorization: str | None) -> tuple[str | None, dict[str, Any]]:
    """(role, claims) of a request; without a JWT configuration, (None, {}): the connection's own role."""
    if not config.enabled:
        return None, {}
    if not authorization:
        if config.anon_role is None:
            raise ApiError(401, "PGRST302", "Anonymous access is disabled")
        return config.anon_role, {"role": config.anon_role}
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _invalid("Expected a Bearer token")
    known = config.verified.get(token)
    if known is not None:
        if known[2] is None or known[2] > time.time():
            return known[0], known[1]
        del config.verified[token]  # expired since: verified again below, and refused
    role, claims = _verify(config, token)
    if len(config.verified) >= VERIFIED_TOKENS:
        del config.verified[next(iter(config.verified))]  # the oldest
    exp = claims.get("exp")
    config.verified[token] = (role, claims, float(exp) if isinstance(exp, int | float) else None)
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


def settings(config: AuthConfig, role: str | None, claims: dict[str, Any]) -> list[tuple[str, str]]:
    """The transaction-local settings for a request: role, request.jwt.claims, mapped claims."""
    if role is None:
        return []
    out = [("role", role), ("request.jwt.claims", json.dumps(claims))]
    if role in config.statement_timeouts:  # the role's limit on every statement of its requests
        out.append(("statement_timeout", config.statement_timeouts[role]))
    for setting, claim in config.claim_settings.items():
        value = claims.get(claim)
        if value is not None:
            out.append((setting, value if isinstance(value, str) else json.dumps(value)))
    return out
