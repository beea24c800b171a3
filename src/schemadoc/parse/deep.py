"""Reading deeply nested SQL (a CHECK of hundreds of chained ORs) within a bounded stack.

PostgreSQL's parser hands back trees whose depth follows the expression's; walking and printing them
recurses once a level. The reader runs on one thread of its own with a large stack and a recursion limit
to match, so expressions hundreds of levels deep are read like any other; past that bound a statement is
reported at its line (the reader catches RecursionError per statement), never a traceback.
"""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar, cast

T = TypeVar("T")

STACK_BYTES = 256 * 1024 * 1024  # virtual memory reserved for the thread; pages are used as touched
RECURSION_LIMIT = 20_000  # frames: thousands of nesting levels, far inside that stack


_lock = threading.Lock()
_worker: threading.Thread | None = None
_Jobs = queue.SimpleQueue[tuple[Callable[[], object], Future[object]]]  # (what to run, where its outcome goes)
_jobs: _Jobs = queue.SimpleQueue()


def _serve(jobs: _Jobs) -> None:
    while True:
        fn, done = jobs.get()
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
        try:
            done.set_result(fn())
        except BaseException as e:  # handed to the caller as it was raised
            done.set_exception(e)
        finally:
            sys.setrecursionlimit(old_limit)


def _running_worker() -> _Jobs:
    """The one reader thread of this process, started on first use (again in a forked child). One thread
    for the process's life: PostgreSQL's parser (libpg_query) takes a pthread key in every thread that
    parses and never gives it back, so a thread per document would use up the process's 1,024 keys after
    about a thousand reads — and then OpenSSL, among others, fails in that process."""
    global _worker, _jobs
    with _lock:
        if _worker is None or not _worker.is_alive():
            _jobs = queue.SimpleQueue()
            old_stack = threading.stack_size(STACK_BYTES)
            try:
                _worker = threading.Thread(target=_serve, args=(_jobs,), name="schemadoc-deep", daemon=True)
                _worker.start()
            finally:
                threading.stack_size(old_stack)
        return _jobs


def deep(fn: Callable[[], T]) -> T:
    """`fn()` on the reader thread, with its large stack and high recursion limit; its result, or its
    exception."""
    if threading.current_thread().name == "schemadoc-deep":
        return fn()  # already on it
    done: Future[object] = Future()
    _running_worker().put((fn, done))
    return cast(T, done.result())
