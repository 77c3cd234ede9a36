"""Talks to a LanguageTool server through language-tool-python, per paragraph, cached.

A live check re-sends a draft on every pause in typing; most paragraphs have not
changed since the last call, so results are cached per paragraph and only the changed
ones go to the server, joined into one request. When the server is down or slow the
client fails fast for a short while (LanguageToolDown) instead of making every request
wait for a time-out, then tries again: a restarted server is picked up by itself.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import language_tool_python
from cachetools import LRUCache
from language_tool_python.exceptions import LanguageToolError

from . import languagetool_server

PARAGRAPH_JOINER = "\n\n"


class LanguageToolDown(Exception):
    """The server did not answer in time, refused, or answered nonsense."""


@dataclass(frozen=True)
class CheckOptions:
    language: str = "en-GB"
    picky: bool = False
    disabled_rules: tuple[str, ...] = ()
    enabled_rules: tuple[str, ...] = ()
    disabled_categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class LtMatch:
    """One LanguageTool match, offsets in code points relative to its paragraph."""

    start: int
    end: int
    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]


def utf16_to_codepoints(text: str) -> list[int]:
    """table[u] = code-point index of UTF-16 offset u (LanguageTool counts like Java)."""
    table: list[int] = []
    for index, char in enumerate(text):
        table.append(index)
        if ord(char) > 0xFFFF:  # a surrogate pair: two UTF-16 units
            table.append(index)
    table.append(len(text))
    return table


def parse_matches(raw: list[dict[str, Any]], text: str) -> list[LtMatch]:
    """LanguageTool's JSON matches, offsets converted from UTF-16 to code points."""
    table = utf16_to_codepoints(text)
    last = len(table) - 1
    matches = []
    for match in raw:
        start_unit = min(match["offset"], last)
        end_unit = min(match["offset"] + match["length"], last)
        rule = match.get("rule", {})
        matches.append(
            LtMatch(
                start=table[start_unit],
                end=table[end_unit],
                rule_id=rule.get("id", "UNKNOWN"),
                category=rule.get("category", {}).get("id", ""),
                issue_type=rule.get("issueType", ""),
                message=match.get("message", ""),
                replacements=tuple(r["value"] for r in match.get("replacements", [])[:5]),
            )
        )
    return matches


class _Tool(language_tool_python.LanguageTool):
    """language-tool-python bound to one server and one set of options.

    Its own Match class converts offsets through class-level state shared by all
    threads and leaves lengths in UTF-16, so we read the raw matches instead."""

    def __init__(self, url: str, options: CheckOptions, timeout: float, credentials: dict[str, str]):
        self._TIMEOUT = timeout  # type: ignore[misc]  # the library's is a fixed 300 s
        self._credentials = credentials
        super().__init__(language=options.language, remote_server=url)
        self.picky = options.picky
        self.disabled_rules = set(options.disabled_rules)
        self.enabled_rules = set(options.enabled_rules)
        self.disabled_categories = set(options.disabled_categories)

    def _create_params(self, text: str) -> dict[str, str]:
        return {**super()._create_params(text), **self._credentials}

    def check_raw(self, text: str) -> list[dict[str, Any]]:
        url = urllib.parse.urljoin(self._url, "check")
        response = self._query_server(url, self._create_params(text), num_tries=1, method="post")
        if not isinstance(response, dict) or "matches" not in response:
            raise LanguageToolError("LanguageTool answered without matches")
        return response["matches"]


class LanguageToolClient:
    def __init__(
        self,
        url: str,
        timeout: float = 5.0,
        retry_after: float = 2.0,
        cache_size: int = 4096,
        username: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retry_after = retry_after
        self._credentials = {"username": username, "apiKey": api_key} if username and api_key else {}
        self._cache: LRUCache[tuple[CheckOptions, str], tuple[LtMatch, ...]] = LRUCache(cache_size)
        self._tools: dict[CheckOptions, _Tool] = {}
        self._lock = threading.Lock()
        self._down_until = 0.0
        self.last_error: str | None = None
        self.stats = {"requests": 0, "paragraphs_sent": 0, "cache_hits": 0}

    def check_paragraphs(self, paragraphs: list[str], options: CheckOptions) -> list[list[LtMatch]]:
        """Matches for each paragraph; only paragraphs not seen before reach the server."""
        with self._lock:
            cached = [self._cache.get((options, p)) for p in paragraphs]
        misses = list(dict.fromkeys(p for p, hit in zip(paragraphs, cached) if hit is None))
        with self._lock:
            self.stats["cache_hits"] += len(paragraphs) - len(misses)
        fresh = self._check_joined(misses, options) if misses else {}
        with self._lock:
            for paragraph, matches in fresh.items():
                if self._cache.maxsize:  # 0 turns the cache off
                    self._cache[(options, paragraph)] = matches
        return [list(hit if hit is not None else fresh[p]) for p, hit in zip(paragraphs, cached)]

    def is_up(self) -> bool:
        """Asks the server now (for /readyz), rather than trusting the last check."""
        return languagetool_server.is_up(self.url, timeout=min(2.0, self.timeout))

    def _check_joined(self, paragraphs: list[str], options: CheckOptions) -> dict[str, tuple[LtMatch, ...]]:
        text = PARAGRAPH_JOINER.join(paragraphs)
        matches = parse_matches(self._send(text, options), text)
        result: dict[str, list[LtMatch]] = {}
        start = 0
        for paragraph in paragraphs:
            end = start + len(paragraph)
            inside = [m for m in matches if start <= m.start and m.end <= end]
            result[paragraph] = [
                LtMatch(**{**m.__dict__, "start": m.start - start, "end": m.end - start}) for m in inside
            ]
            start = end + len(PARAGRAPH_JOINER)
        return {p: tuple(ms) for p, ms in result.items()}

    def _send(self, text: str, options: CheckOptions) -> list[dict[str, Any]]:
        tool = self._tool(options)
        with self._lock:
            self.stats["requests"] += 1
            self.stats["paragraphs_sent"] += text.count(PARAGRAPH_JOINER) + 1
        try:
            matches = tool.check_raw(text)
        except (LanguageToolError, OSError, ValueError) as exc:
            self._mark_down(options, exc)
            raise LanguageToolDown(self.last_error) from exc
        self.last_error = None
        return matches

    def _tool(self, options: CheckOptions) -> _Tool:
        with self._lock:
            tool = self._tools.get(options)
            if tool is not None:
                return tool
            if time.monotonic() < self._down_until:
                raise LanguageToolDown(self.last_error or "LanguageTool is down")
        try:  # asks the server for its languages: fails fast when it is down
            tool = _Tool(self.url, options, self.timeout, self._credentials)
        except (LanguageToolError, OSError, ValueError) as exc:
            self._mark_down(options, exc)
            raise LanguageToolDown(self.last_error) from exc
        with self._lock:
            self._tools[options] = tool
        return tool

    def _mark_down(self, options: CheckOptions, exc: Exception) -> None:
        with self._lock:
            self._tools.pop(options, None)
            self._down_until = time.monotonic() + self.retry_after
            self.last_error = f"LanguageTool at {self.url} did not answer: {type(exc).__name__}"
