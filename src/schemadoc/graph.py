"""Dependency order: one topological sort, alphabetical among the ready, breaking a cycle where it is told."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping


def topological(deps: Mapping[str, set[str]], breaker: Callable[[set[str]], str] = min) -> list[str]:
    """Every key of `deps` after the keys it depends on (those that are keys too); among the ready, the
    smallest first. A cycle is broken by taking `breaker(remaining)` anyway."""
    dependants: dict[str, list[str]] = {k: [] for k in deps}
    pending = {k: 0 for k in deps}
    for k, v in deps.items():
        for d in v:
            if d in dependants and d != k:
                dependants[d].append(k)
                pending[k] += 1
    ready = [k for k, n in pending.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    left = set(deps)
    while left:
        if not ready:
            k = breaker(left)
            pending[k] = 0
            heapq.heappush(ready, k)
        k = heapq.heappop(ready)
        if k not in left:
            continue
        order.append(k)
        left.discard(k)
        for d in dependants[k]:
            if d in left:
                pending[d] -= 1
                if pending[d] == 0:
                    heapq.heappush(ready, d)
    return order
