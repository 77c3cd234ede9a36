"""One cache abstraction for every result worth keeping between keystrokes: a bounded LRU
(cachetools), safe across threads, that counts its hits and misses. Each cache has a name;
`/readyz` reports every live one (size, limit, hits, misses), so an operator can see
whether a re-check is being served from memory. Imports nothing of ours."""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, ParamSpec, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
P = ParamSpec("P")
R = TypeVar("R")
_MISSING: Any = object()
_LIVE: weakref.WeakSet[Cache[Any, Any]] = weakref.WeakSet()


class Cache(Generic[K, V]):
    """`maxsize` 0 keeps nothing (every lookup a miss), for benchmarks of cold checks."""

    def __init__(self, name: str, maxsize: int) -> None:
        self.name, self.maxsize = name, maxsize
        self._data: LRUCache[K, V] = LRUCache(max(maxsize, 1))
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        _LIVE.add(self)

    def get(self, key: K, default: Any = None) -> V | Any:
        with self._lock:
            value = self._data.get(key, _MISSING) if self.maxsize else _MISSING
            if value is _MISSING:
                self.misses += 1
                return default
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        if self.maxsize:
            with self._lock:
                self._data[key] = value

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return bool(self.maxsize) and key in self._data

    def pop(self, key: K, default: Any = None) -> V | Any:
        with self._lock:
            return self._data.pop(key, default)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"size": len(self._data) if self.maxsize else 0, "maxsize": self.maxsize, "hits": self.hits,
                    "misses": self.misses}  # fmt: skip


def memoised(name: str, maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`functools.lru_cache`, but a named, counted Cache (positional hashable arguments)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cache: Cache[Any, R] = Cache(name, maxsize)

        @functools.wraps(function)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items())))
            found = cache.get(key, _MISSING)
            if found is _MISSING:
                found = function(*args, **kwargs)
                cache.put(key, found)
            return found

        cached.cache = cache  # type: ignore[attr-defined]
        return cached

    return decorate


def cache_stats() -> dict[str, dict[str, int]]:
    """Every live cache's figures by name; caches of one name (one per check instance) summed."""
    totals: dict[str, dict[str, int]] = {}
    for cache in list(_LIVE):
        figures = cache.stats()
        if cache.name in totals:
            figures = {key: totals[cache.name][key] + value for key, value in figures.items()}
        totals[cache.name] = figures
    return dict(sorted(totals.items()))
