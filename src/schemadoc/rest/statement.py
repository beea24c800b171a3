"""What the API's SQL side says: an ApiError PostgREST would answer with, and the Statement a request
becomes (its composed query, bound values, how to count its rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql


class ApiError(Exception):
    """An error PostgREST would answer with: HTTP status and the {code, message, details, hint} body."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.hint = status, code, message, details, hint
        self.headers: dict[str, str] = {}
        self.detail_list: list[dict[str, str]] | None = None  # details as a list (PGRST201)

    def body(self) -> dict[str, Any]:
        details = self.detail_list if self.detail_list is not None else self.details
        return {"code": self.code, "message": self.message, "details": details, "hint": self.hint}


PAYLOAD = "payload"  # the parameter that carries a write's JSON body


@dataclass
class Statement:
    query: sql.Composed | bytes  # bytes: rendered once (UTF8), for statements the server remembers
    params: dict[str, Any]  # named: the text order of placeholders does not matter
    count_query: sql.Composed | None = None  # to EXPLAIN for Prefer: count=planned|estimated
    count_mode: str | None = None
    bare: bool = False  # a write returning no rows: its row count is the command's own

    def with_params(self, params: dict[str, Any]) -> Statement:
        """The same statement with other values (a request's own body)."""
        return Statement(self.query, params, self.count_query, self.count_mode, self.bare)

    def result(self, rowcount: int) -> tuple[Any, ...]:
        """The (total, rows, body, changed keys, inserted rows) of a bare statement."""
        return None, rowcount, None, None, None
