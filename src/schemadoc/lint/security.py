"""Rules about privileges, row level security and secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemadoc import platforms
from schemadoc.errors import Severity
from schemadoc.lint import Finding, rule
from schemadoc.parse import LoadedDocument

_SECRET = re.compile(r"(^|_)(token|api_?key|secret|refresh_token|access_token|id_token)$", re.I)


@rule(
    "SD330",
    "grant-to-public",
    Severity.WARNING,
    "security",
    """
    PUBLIC is every role, present and future: a privilege granted to PUBLIC cannot be withheld from any
    login on the server. Grant to a named role instead.""",
)
def grant_to_public(doc: LoadedDocument) -> Iterator[Finding]:
    for g in doc.schema.grants:
        if g.grantee == "public":
            yield Finding(
                f"{', '.join(g.privileges)} on {g.object_kind.lower()} {g.object_name or '(database)'} "
                "is granted to PUBLIC",
                g.span,
                help="grant to a named role",
            )


@rule(
    "SD331",
    "rls-without-policy",
    Severity.WARNING,
    "security",
    """
    With row level security enabled and no policy, PostgreSQL denies every row to every role except the
    table owner and superusers (default deny). That is rarely what a document means.""",
)
def rls_without_policy(doc: LoadedDocument) -> Iterator[Finding]:
    with_policy = {p.table_key for p in doc.schema.policies}
    for t in doc.schema.tables:
        if t.rls_enabled and t.key not in with_policy:
            yield Finding(
                f'row level security is enabled on "{t.name}" but no policy is defined: every row is '
                "hidden from every role but the owner",
                t.span,
                help=f"CREATE POLICY … ON {t.name} …",
            )


@rule(
    "SD332",
    "policy-role-not-created",
    Severity.WARNING,
    "security",
    """
    A policy TO a role that nothing in the document creates applies to nobody (or fails to create on a
    server without that role).""",
)
def policy_role_not_created(doc: LoadedDocument) -> Iterator[Finding]:
    roles = {r.name for r in doc.schema.roles} | {r for p in platforms.of(doc.schema) for r in p.roles}
    for p in doc.schema.policies:
        for r in p.roles:
            if r not in roles and r not in ("public", "current_user", "session_user", "current_role"):
                yield Finding(
                    f'policy "{p.name}" is for role "{r}", which the document does not create',
                    p.span,
                    help=f"CREATE ROLE {r};",
                )


@rule(
    "SD333",
    "secret-in-clear",
    Severity.INFO,
    "security",
    """
    Tokens and API keys stored as written can be used by anyone who reads the table (a backup, a
    replica, a support query). Store a hash (e.g. SHA-256 of the token) and compare hashes.""",
)
def secret_in_clear(doc: LoadedDocument) -> Iterator[Finding]:
    for t in doc.schema.tables:
        for c in t.columns:
            if _SECRET.search(c.name) and not re.search(r"hash|encrypted|digest", c.name, re.I):
                yield Finding(
                    f'"{t.name}.{c.name}" looks like a secret stored in clear',
                    c.span,
                    help=f"store {c.name}_hash instead",
                )


@rule(
    "SD335",
    "platform-table-without-rls",
    Severity.WARNING,
    "security",
    """
    On Supabase the API roles (anon, authenticated) are granted every table in public, and row level
    security is what keeps rows private: a table without it can be read and changed by anyone holding the
    project's public anon key. Supabase's own advisor reports it (rls_disabled_in_public). Enable row
    level security and write the policies the table needs.""",
)
def platform_table_without_rls(doc: LoadedDocument) -> Iterator[Finding]:
    exposed = [p for p in platforms.of(doc.schema) if p.anon_role]
    if not exposed:
        return
    for t in doc.schema.tables:
        if t.schema == "public" and not t.rls_enabled and t.partition_of is None:
            yield Finding(
                f'"{t.name}" has no row level security: on {exposed[0].title} anyone with the anon key can read '
                "and change every row",
                t.span,
                help=f"ALTER TABLE {t.name} ENABLE ROW LEVEL SECURITY; then CREATE POLICY … ON {t.name} …",
            )


_SETTING = re.compile(r"current_setting\s*\(\s*'([^']+)'(?:::text)?\s*\)", re.I)


@rule(
    "SD334",
    "policy-setting-may-be-unset",
    Severity.WARNING,
    "security",
    """
    current_setting('app.user_id') raises an error when the session never set app.user_id: every query
    on the table then fails instead of returning no rows. current_setting('app.user_id', true) returns
    NULL when unset, so the policy denies quietly. Set it per transaction (SET LOCAL, or PostgREST's
    request.jwt.claims) and read it with missing_ok.""",
)
def policy_setting_may_be_unset(doc: LoadedDocument) -> Iterator[Finding]:
    for p in doc.schema.policies:
        for expr in (p.using, p.check):
            mt = _SETTING.search(expr or "")
            if mt:
                yield Finding(
                    f'policy "{p.name}" reads the setting {mt.group(1)}, which nothing in the document '
                    "sets; queries fail while it is unset",
                    p.span,
                    help=f"current_setting('{mt.group(1)}', true)",
                )
                break
