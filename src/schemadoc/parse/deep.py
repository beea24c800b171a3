"""Reading deeply nested SQL (a CHECK of hundreds of chained ORs) within a bounded stack.

PostgreSQL's parser hands back trees whose depth follows the expression's; walking and printing them
recurses once a level. The reader runs on a thread of its own with a large stack and a recursion limit
to match, so expressions hundreds of levels deep are read like any other; past that bound a statement is
reported at its line (the reader catches RecursionError per statement), never a traceback.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

STACK_BYTES = 256 * 1024 * 1024  # virtual memory reserved for the thread; pages are used as touched
RECURSION_LIMIT = 20_000  # frames: thousands of nesting levels, far inside that stack


def deep(fn: Callable[[], T]) -> T:
    """`fn()` on a thread with a large stack and a high recursion limit; its result, or its exception."""
    if threading.current_thread().name == "schemadoc-deep":
        return fn()  # already on one
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(fn())
        except BaseException as e:  # handed to the caller as it was raised
            error.append(e)

    old_stack = threading.stack_size(STACK_BYTES)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=run, name="schemadoc-deep", daemon=True)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0]
