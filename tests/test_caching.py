"""One cache abstraction: bounded, counted, named; /readyz shows how much a re-check is
served from memory."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from assistant.caching import Cache, cache_stats, memoised


def test_a_cache_keeps_the_most_recent_entries_and_counts_hits_and_misses():
    cache: Cache[str, int] = Cache("test.recent", 2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)  # evicts b, the least recently used
    assert cache.get("b") is None and cache.get("c") == 3
    assert cache.stats() == {"size": 2, "maxsize": 2, "hits": 2, "misses": 1}


def test_size_zero_keeps_nothing():
    cache: Cache[str, int] = Cache("test.off", 0)
    cache.put("a", 1)
    assert cache.get("a") is None and cache.stats() == {"size": 0, "maxsize": 0, "hits": 0, "misses": 1}


def test_memoised_calls_once_per_argument_and_is_safe_across_threads():
    calls: list[int] = []

    @memoised("test.square", 100)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(square, [3] * 50)) == [9] * 50
    assert square(4) == 16 and calls.count(4) == 1
    figures = cache_stats()["test.square"]
    assert figures["hits"] + figures["misses"] == 51 and figures["size"] == 2


def test_readyz_shows_a_recheck_served_from_the_caches(client):
    text = "Hi Dana,\n\nYour refund of £40 is on its way.\n\nKind regards,\nSam"

    def caches() -> dict:
        return client.get("/readyz").json()["caches"]

    before = caches()
    client.post("/v1/check", json={"text": text, "channel": "email"})
    client.post("/v1/check", json={"text": text.replace("£40", "£45"), "channel": "email"})
    after = caches()
    for name in ("languagetool.paragraphs", "tone.sentences"):
        gained = after[name]["hits"] - before.get(name, {}).get("hits", 0)
        assert gained >= 2, (name, before.get(name), after[name])  # the greeting and sign-off paragraphs
        assert 0 < after[name]["size"] <= after[name]["maxsize"]
