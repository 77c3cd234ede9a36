"""Talks to a LanguageTool server over its documented HTTP API (/v2/check), per
paragraph, cached, in bounded pieces.

A live check re-sends a draft on every pause in typing; most paragraphs have not
changed since the last call, so results are cached per paragraph and only the changed
ones go to the server, joined into as few requests as fit its limits. While its draft
is the only one this process is checking, that text goes as up to `parallel` requests
at once instead, cut between paragraphs or at sentence ends: the server checks each
request on one core, so the agent waits for the longest part, not for the whole
(MIN_PART_UNITS).

Shared state is a contract (STYLE.md). Two things are shared by every request: the
paragraph cache and the fail-fast window. So:

- A paragraph's matches are what LanguageTool says about that paragraph on its own,
  whatever it was sent with: the rules that look across paragraphs are turned off
  (CROSS_PARAGRAPH_RULES), so a cached result equals a fresh one, and a draft sent in
  parts gets the matches it gets in one request (_SENTENCE_CUT says where that holds).
- Only a server that does not answer (refused connection, time-out) opens the window
  in which every check fails fast (LanguageToolDown) for `retry_after` seconds; a
  restarted server is picked up by itself. A server that answers "no" to one draft
  (4xx: LanguageToolRejected) or "not now" (429/5xx, or the draft needing more time
  than its share: LanguageToolUnavailable) costs only that draft its grammar.
- No request is bigger than LanguageTool handles in bounded time and memory: a long
  paragraph, or run-on text without sentence ends, is cut into pieces of at most
  PIECE_UNITS UTF-16 units (at sentence ends, else line breaks, else spaces), and
  pieces are sent in requests of at most REQUEST_UNITS (languagetool/server.properties
  refuses anything longer, whoever sends it). Offsets are mapped back.

Why not language-tool-python: its public `check()` returns Match objects whose offset
conversion goes through class-level state shared by all threads and leaves lengths in
UTF-16, it has no per-call time-out (a fixed 300 s) and no way to send credentials or
read the raw matches; using it meant subclassing three private members
(`_query_server`, `_create_params`, `_TIMEOUT`). The HTTP API is LanguageTool's
documented, versioned contract (https://languagetool.org/http-api/), the same for the
bundled server, a self-hosted one and the hosted API. tests/test_languagetool_server.py
holds the contract test of the fields read here.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import http.client
import itertools
import json
import re
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import certifi

from . import handoff, languagetool_probe
from .caching import Cache
from .languagetool_pool import Server, ServerPool

PARAGRAPH_JOINER = "\n\n"

# Bounds of one request, in UTF-16 units (as LanguageTool counts text length).
# Measured on LanguageTool 6.8 with -Xmx1g (docs/configuration.md, "LanguageTool
# limits"): one 49,999-character run-on "sentence" took ~25 s and ran the heap out;
# 1,000-unit pieces of it take ~50 ms each. REQUEST_UNITS keeps ordinary drafts (the
# bench corpus tops out at ~4,000) in one request; server.properties' maxTextLength
# (10000) refuses anything longer.
PIECE_UNITS = 1_000
REQUEST_UNITS = 8_000
# A draft with more unchecked text than one request is a long draft: it is sent in
# smaller requests, so that other drafts' requests get their turn in the server's
# queue between them, and one long draft at a time per process talks to the server,
# so that long drafts cannot take all of its check threads (maxCheckThreads).
LONG_DRAFT_REQUEST_UNITS = 2_000
# A draft that fits one request, while it is the only one this process is checking,
# may go as several requests sent at once (`parallel`): LanguageTool checks a request on
# about one core, so the agent waits for the longest part. Over bench/corpus in two
# parts: 13.8 ms instead of 19.8 at p50, for 9 % more of the server's CPU (27.6 ms a text
# against 25.2; bench/parts.py): each request costs it a little whatever its length.
# So no part is made shorter than this, and under load none is made (handoff.alone).
MIN_PART_UNITS = 50
PROBE_WAIT = 60.0  # seconds a down server's probe waits for its answer: a cold start takes 15-40 s

# LanguageTool's text-level rules that look beyond one paragraph (found by listing the
# rules extending TextLevelRule in languagetool-core and language-en 6.8, and by
# comparing whole-text with per-paragraph results over bench/corpus): their matches
# depend on which paragraphs happen to be sent together, so with a per-paragraph
# cache the same draft could get different findings cold and warm. They are style
# hints (repetition, consistency), so they are turned off rather than paid for with a
# second whole-text request on every re-check; house-style consistency belongs to the
# style check. Ids ending in "_" are prefixes of a family.
CROSS_PARAGRAPH_RULES = (
    "ENGLISH_WORD_REPEAT_BEGINNING_RULE",  # successive sentences starting alike
    "PARAGRAPH_REPEAT_BEGINNING_RULE",  # successive paragraphs starting alike
    "EN_CONSISTENT_APOS",  # straight vs curly apostrophes across the text
    "EN_WORD_COHERENCY",  # two spellings of one word across the text
    "EN_REPEATEDWORDS_",  # a word repeated within a distance (picky)
    "EN_TOO_OFTEN_USED_",  # a word used too often in the text (off by default)
    "READABILITY_RULE_",  # whole-text readability (off by default)
)
# Left on, knowingly: EN_UNPAIRED_BRACKETS and EN_UNPAIRED_QUOTES pair marks across
# paragraphs too, which matters only for a bracket opened in one paragraph and closed
# in another; within a paragraph they find real slips.

# Rules that fire at a paragraph's edge: wrong at a cut made inside a run-on sentence.
_START_RULES = {"UPPERCASE_SENTENCE_START"}
_END_RULES = {"PUNCTUATION_PARAGRAPH_END", "PUNCTUATION_PARAGRAPH_END2", "WHITESPACE_PARAGRAPH"}

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_LINE_BREAK = re.compile(r"\n\s*")
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class LanguageToolUnavailable(Exception):
    """No answer for this draft (server overloaded, or the draft needs more time than
    its share); other drafts are not affected. The message says which."""


class LanguageToolDown(LanguageToolUnavailable):
    """The server did not answer in time or refused the connection: every check fails
    fast for a short while."""


class _Overloaded(LanguageToolUnavailable):
    """The server answered "not now" (429, 5xx) or nonsense: another may answer."""


class LanguageToolRejected(Exception):
    """LanguageTool answered 4xx to this draft (e.g. too long); a fact about the draft."""


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


@dataclass(frozen=True)
class _Piece:
    """A part of one paragraph sent to LanguageTool as a paragraph of its own."""

    paragraph: int  # index into the misses
    offset: int  # code points into the paragraph
    text: str
    cut_before: bool  # begins at a cut inside a sentence
    cut_after: bool  # ends at a cut inside a sentence


def utf16_units(text: str) -> int:
    # Encoded in C: a loop over the characters in Python cost ~0.1 ms a draft, on the
    # request's path to LanguageTool. A lone surrogate counts one unit, as in Java.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_to_codepoints(text: str) -> Sequence[int]:
    """table[u] = code-point index of UTF-16 offset u (LanguageTool counts like Java)."""
    if utf16_units(text) == len(text):  # nothing beyond the BMP: the same offsets
        return range(len(text) + 1)
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


def split_paragraph(paragraph: str, limit: int = PIECE_UNITS) -> list[tuple[int, int, bool]]:
    """(start, end, natural) spans of at most `limit` UTF-16 units covering the
    paragraph, cut at the last sentence end that fits, else line break, else space,
    else anywhere; `natural` says the span ends at a sentence end (or the end)."""
    if utf16_units(paragraph) <= limit:
        return [(0, len(paragraph), True)]
    spans = []
    start = 0
    while start < len(paragraph):
        end = _fit(paragraph, start, limit)
        if end == len(paragraph):
            spans.append((start, end, True))
            break
        window = paragraph[start:end]
        cut, natural = end, False
        for pattern, is_natural in ((_SENTENCE_END, True), (_LINE_BREAK, False), (_SPACE, False)):
            found = [m.end() for m in pattern.finditer(window) if m.end() > 0]
            if found:
                cut, natural = start + found[-1], is_natural
                break
        spans.append((start, cut, natural))
        start = cut
    return spans


def _fit(text: str, start: int, limit: int) -> int:
    """The largest end such that text[start:end] has at most `limit` UTF-16 units."""
    end = min(len(text), start + limit)
    while utf16_units(text[start:end]) > limit:
        end -= max(1, (utf16_units(text[start:end]) - limit) // 2)
    return max(end, start + 1)


def _pieces(index: int, paragraph: str) -> list[_Piece]:
    pieces = []
    previous_natural = True
    for start, end, natural in split_paragraph(paragraph):
        chunk = paragraph[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            pieces.append(_Piece(index, start + lead, stripped, not previous_natural, not natural))
        previous_natural = natural
    return pieces


def _batches(pieces: list[_Piece], limit: int) -> list[list[_Piece]]:
    """Consecutive pieces grouped into requests of at most `limit` units."""
    batches: list[list[_Piece]] = []
    size = 0
    for piece in pieces:
        units = utf16_units(piece.text)
        if batches and size + len(PARAGRAPH_JOINER) + units <= limit:
            batches[-1].append(piece)
            size += len(PARAGRAPH_JOINER) + units
        else:
            batches.append([piece])
            size = units
    return batches


def _parts(pieces: list[_Piece], count: int) -> list[list[_Piece]]:
    """The pieces in at most `count` parts of about equal length, none under
    MIN_PART_UNITS, cut between pieces or at a sentence end inside one (_sentence_cuts):
    one part when no cut makes two."""
    before = [0, *itertools.accumulate(utf16_units(piece.text) for piece in pieces)]  # units before piece i
    total = before[-1]
    places = [(before[i], i, 0) for i in range(1, len(pieces))]  # (units before it, piece, offset in the piece)
    places += [
        (before[i] + utf16_units(piece.text[:at]), i, at)
        for i, piece in enumerate(pieces)
        for at in _sentence_cuts(piece.text)
    ]
    chosen: list[tuple[int, int, int]] = []
    for share in range(1, count):
        last = chosen[-1][0] if chosen else 0
        fitting = [p for p in places if p[0] - last >= MIN_PART_UNITS and total - p[0] >= MIN_PART_UNITS]
        if fitting:
            chosen.append(min(fitting, key=lambda p: abs(p[0] - total * share / count)))
    parts: list[list[_Piece]] = [[]]
    for index, piece in enumerate(pieces):
        done = 0  # characters of the piece already in earlier parts
        for _, _, at in sorted(p for p in chosen if p[1] == index):
            if at:
                parts[-1].append(_cut(piece, done, at))
                done = at + 1  # the space at the cut goes to neither side
            parts.append([])
        parts[-1].append(_cut(piece, done, len(piece.text)) if done else piece)
    return [part for part in parts if part]


# Where a paragraph may be cut without changing what LanguageTool finds in it: after a
# word of two letters or more and a full stop, question or exclamation mark, one space,
# and a capitalised word; not after an abbreviation, nor inside brackets or quotes.
# bench/parts.py: the same matches in parts as in one request over bench/corpus, the
# real replies and the tone pairs (851 texts, 454 of them sent in parts).
_SENTENCE_CUT = re.compile(r"(?<=[^\W\d_]{2}[.!?]) (?=[A-Z][a-z' ])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr etc vs approx incl no ref tel eg ie inc ltd co corp dept est fig min max hrs mins "
    "mon tue wed thu fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec ave rd pp vol acc".split()
)
_LAST_WORD = re.compile(r"([^\W\d_]+)[.!?]$")


def _sentence_cuts(text: str) -> list[int]:
    """Offsets of the spaces `text` may be cut at (_SENTENCE_CUT)."""
    cuts = []
    for match in _SENTENCE_CUT.finditer(text):
        head = text[: match.start()]
        word = _LAST_WORD.search(head[-12:])
        if word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        if head.count("(") != head.count(")") or head.count('"') % 2 or head.count("“") != head.count("”"):
            continue
        cuts.append(match.start())
    return cuts


def _cut(piece: _Piece, start: int, end: int) -> _Piece:
    """Characters [start, end) of a piece, as a piece: a cut there is at a sentence end."""
    text = piece.text[start:end]
    return _Piece(
        piece.paragraph,
        piece.offset + start,
        text,
        piece.cut_before and not start,
        piece.cut_after and end == len(piece.text),
    )


def _is_cross_paragraph(rule_id: str) -> bool:
    return any(rule_id.startswith(r) if r.endswith("_") else rule_id == r for r in CROSS_PARAGRAPH_RULES)


def _safe_text(text: str) -> str:
    """A lone surrogate cannot be sent as UTF-8: replace it by U+FFFD, one code point
    and one UTF-16 unit like itself, so offsets stay put."""
    return _SURROGATE.sub("\ufffd", text)


class LanguageToolClient:
    """One client per process for one LanguageTool server or a pool of them (`url` a
    list): the paragraph cache is shared, each request goes to a server of the pool
    (languagetool_pool.py), and a request whose server did not answer goes to another."""

    def __init__(
        self,
        url: str | Sequence[str],
        timeout: float = 5.0,
        retry_after: float = 2.0,
        cache_size: int = 4096,
        username: str | None = None,
        api_key: str | None = None,
        parallel: int = 1,
    ) -> None:
        self.urls = [url] if isinstance(url, str) else list(url)
        self.timeout = timeout
        self.parallel = parallel  # requests a draft may go as, when it is alone (handoff.alone) and the pool idle
        self.retry_after = retry_after
        self.pool = ServerPool(self.urls, retry_after, self._probe)
        self._credentials = {"username": username, "apiKey": api_key} if username and api_key else {}
        self._cache: Cache[tuple[CheckOptions, str], tuple[LtMatch, ...]] = Cache("languagetool.paragraphs", cache_size)
        self._lock = threading.Lock()
        self._long_draft = threading.Semaphore(1)
        self.stats = {"requests": 0, "paragraphs_sent": 0, "cache_hits": 0}

    @property
    def last_error(self) -> str | None:
        return self.pool.last_error()

    def check_paragraphs(self, paragraphs: list[str], options: CheckOptions) -> list[list[LtMatch]]:
        """Matches for each paragraph; only paragraphs not seen before reach the server.
        Takes at most `timeout` seconds in all, however long the draft."""
        cached = [self._cache.get((options, p)) for p in paragraphs]
        misses = list(dict.fromkeys(p for p, hit in zip(paragraphs, cached, strict=True) if hit is None))
        with self._lock:
            self.stats["cache_hits"] += len(paragraphs) - len(misses)
        fresh = self._check_fresh(misses, options) if misses else {}
        for paragraph, matches in fresh.items():
            self._cache.put((options, paragraph), matches)  # a cache of size 0 keeps nothing
        return [list(hit if hit is not None else fresh[p]) for p, hit in zip(paragraphs, cached, strict=True)]

    def is_up(self, url: str) -> bool:
        """Asks the server now (for /readyz), rather than trusting the last check."""
        return languagetool_probe.is_up(url, timeout=min(2.0, self.timeout))

    def _probe(self, url: str) -> bool:
        """A down server is back once it has checked a short text (its rules loaded). The
        probe waits for the answer: one abandoned after a few seconds leaves the check
        running in a server still loading its rules, and probe after probe would pile
        up there until the server looks hung (seen under load: its supervisor killed it)."""
        return languagetool_probe.warm_up(url, timeout=max(PROBE_WAIT, self.timeout))

    def _check_fresh(self, paragraphs: list[str], options: CheckOptions) -> dict[str, tuple[LtMatch, ...]]:
        deadline = time.monotonic() + self.timeout
        pieces = [piece for index, paragraph in enumerate(paragraphs) for piece in _pieces(index, paragraph)]
        found: list[list[LtMatch]] = [[] for _ in paragraphs]
        with self._lock:
            self.stats["paragraphs_sent"] += len(paragraphs)
        batches = _batches(pieces, REQUEST_UNITS)
        long_draft = len(batches) > 1
        if long_draft:
            batches = _batches(pieces, LONG_DRAFT_REQUEST_UNITS)
            if not self._long_draft.acquire(timeout=self.timeout / 2):
                raise LanguageToolUnavailable(
                    "LanguageTool is busy with another long draft; try again, or check a shorter part."
                )
        elif pieces and self.parallel > 1 and handoff.alone() and self.pool.idle():
            batches = _parts(pieces, self.parallel)
        texts = [PARAGRAPH_JOINER.join(piece.text for piece in batch) for batch in batches]
        try:
            if len(texts) > 1 and not long_draft:
                answers: Iterable[list[dict[str, Any]]] = self._send_at_once(texts, options, deadline)
            else:  # one after another: a long draft waits its turn between other drafts' requests
                answers = (self._send(text, options, deadline, first=number == 0) for number, text in enumerate(texts))
            for batch, text, raw in zip(batches, texts, answers, strict=True):
                for index, match in _map_back(parse_matches(raw, text), batch):
                    found[index].append(match)
        finally:
            if long_draft:
                self._long_draft.release()
        return {p: tuple(sorted(ms, key=lambda m: (m.start, m.end))) for p, ms in zip(paragraphs, found, strict=True)}

    def _send(
        self,
        text: str,
        options: CheckOptions,
        deadline: float,
        first: bool,
        tried: Sequence[Server] = (),
        failure: LanguageToolUnavailable | None = None,
    ) -> list[dict[str, Any]]:
        """One request, to the least busy server up (not one `tried` already, whose
        `failure` is raised if no other answers); to another if that one does not answer
        or is overloaded. The draft's first request may take the full time-out, so a
        time-out there means the server is not answering; any other gets what is left of
        the draft's time, and running out of it is the draft's own matter."""
        tried = list(tried)
        while (server := self.pool.choose(avoid=tried)) is not None:
            tried.append(server)
            full = first and len(tried) == 1
            try:
                return self._send_to(server, text, options, self.timeout if full else deadline - time.monotonic(), full)
            except LanguageToolUnavailable as exc:
                if time.monotonic() >= deadline or not isinstance(exc, (LanguageToolDown, _Overloaded)):
                    raise
                failure = exc
            finally:
                self.pool.done(server)
        raise failure or LanguageToolDown(self.last_error or "LanguageTool is down")

    def _send_at_once(self, texts: list[str], options: CheckOptions, deadline: float) -> list[list[dict[str, Any]]]:
        """Each text in a request of its own, every one on the wire before any answer is
        read, so the server checks them side by side; the pipeline hears they are sent
        once the last is. A part whose server did not take it, or did not answer, goes
        to another server as `_send` sends it."""
        sent: list[tuple[Server, http.client.HTTPConnection] | None] = []
        for text in texts:
            server = self.pool.choose()
            if server is None:  # none up: sent again below, as `_send` would
                sent.append(None)
                continue
            try:
                sent.append((server, self._open(server, text, options, self.timeout, True)))
            except LanguageToolUnavailable:
                self.pool.done(server)
                sent.append(None)
        handoff.sent()
        pending, answers = list(zip(texts, sent, strict=True)), []
        try:
            while pending:
                text, request = pending.pop(0)
                answers.append(self._collect(text, request, options, deadline))
        finally:  # a part that failed the draft (rejected, out of time) leaves the rest unread
            for _, request in pending:
                if request is not None:
                    request[1].close()
                    self.pool.done(request[0])
        return answers

    def _collect(
        self,
        text: str,
        request: tuple[Server, http.client.HTTPConnection] | None,
        options: CheckOptions,
        deadline: float,
    ) -> list[dict[str, Any]]:
        """The answer to one part sent at once, or to the same part sent again."""
        if request is None:
            return self._send(text, options, deadline, first=True)
        server, connection = request
        try:
            return self._answer(server, connection, deadline - time.monotonic(), full=True)
        except (LanguageToolDown, _Overloaded) as exc:
            if time.monotonic() >= deadline:
                raise
            failure = exc
        finally:
            self.pool.done(server)
        return self._send(text, options, deadline, first=False, tried=[server], failure=failure)

    def _send_to(
        self, server: Server, text: str, options: CheckOptions, timeout: float, full: bool
    ) -> list[dict[str, Any]]:
        connection = self._open(server, text, options, timeout, full)
        handoff.sent()
        return self._answer(server, connection, timeout, full)

    def _open(
        self, server: Server, text: str, options: CheckOptions, timeout: float, full: bool
    ) -> http.client.HTTPConnection:
        """A new connection to `server` with the request for `text` written to it. A new
        connection per request, closed by us after the answer: kept-alive connections to
        LanguageTool's HTTP server (the JDK's) answer ~40 ms late (Nagle vs delayed ACK:
        48 ms vs 7 ms for the same check), and `Connection: close` makes it reset some
        connections. The standard library's client, not requests: a third of the CPU per
        call (0.3 against 1.1 ms, measured), CPU the parse running beside it wants;
        `timeout` bounds each blocking step, as in requests. It connects directly:
        HTTP(S)_PROXY is not read (requests honoured it); the hosted API over HTTPS is
        verified against certifi's CA bundle."""
        if timeout <= 0:
            raise LanguageToolUnavailable(
                f"This draft needs more than {self.timeout:g} s of LanguageTool; check a shorter part."
            )
        with self._lock:
            self.stats["requests"] += 1
        timeout = min(timeout, self.timeout)
        if server.https:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                server.host, server.port, timeout=timeout, context=_tls_context()
            )
        else:
            connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
        with self._failures(server, full, connection):
            connection.request("POST", server.path, urllib.parse.urlencode(self.form(text, options)), _FORM)
        return connection

    def _answer(
        self, server: Server, connection: http.client.HTTPConnection, timeout: float, full: bool
    ) -> list[dict[str, Any]]:
        """The matches the server answers on `connection`, waited for at most `timeout`."""
        try:
            with self._failures(server, full, connection):
                if connection.sock is not None:  # what is left of the draft's time; an answer already here is read
                    connection.sock.settimeout(max(0.001, min(timeout, self.timeout)))
                response = connection.getresponse()
                answer = _Answer(response.status, response.reason, response.read())
        finally:
            connection.close()
        if answer.status == 429 or answer.status >= 500:
            raise _Overloaded(f"LanguageTool at {server.url} could not check this draft now (HTTP {answer.status}).")
        if answer.status >= 400:
            raise LanguageToolRejected(f"LanguageTool refused this draft (HTTP {answer.status}): {answer.reason()}")
        try:
            matches = json.loads(answer.body)["matches"]
        except (ValueError, KeyError, TypeError) as exc:
            raise _Overloaded(f"LanguageTool at {server.url} answered without matches.") from exc
        if not server.up:  # answered while down (a lone server retried): it is back
            self.pool.mark_up(server)
        return matches

    @contextlib.contextmanager
    def _failures(self, server: Server, full: bool, connection: http.client.HTTPConnection) -> Iterator[None]:
        """Talking to `server`: a connection that fails is closed (one being opened has no
        one else to close it), and the failure said as the client's own exception. A
        time-out of the draft's first request, or a refused or reset connection, marks
        the server down; a later request's time-out was cut short by the draft's own
        deadline."""
        try:
            yield
        except TimeoutError as exc:
            connection.close()
            if not full:
                raise LanguageToolUnavailable(
                    f"This draft needs more than {self.timeout:g} s of LanguageTool; check a shorter part."
                ) from exc
            raise self._down(server, exc) from exc
        except (OSError, http.client.HTTPException) as exc:  # refused, reset: the server is not there
            connection.close()
            raise self._down(server, exc) from exc

    def _down(self, server: Server, exc: Exception) -> LanguageToolDown:
        error = f"LanguageTool at {server.url} did not answer: {type(exc).__name__}"
        self.pool.mark_down(server, error)
        return LanguageToolDown(error)

    def form(self, text: str, options: CheckOptions) -> dict[str, str]:
        """The fields of one /v2/check request for `text` (bench/run.py sends the same)."""
        disabled = [*options.disabled_rules, *(r for r in CROSS_PARAGRAPH_RULES if not r.endswith("_"))]
        params = {"language": options.language, "text": _safe_text(text), "disabledRules": ",".join(disabled)}
        if options.picky:
            params["level"] = "picky"
        if options.enabled_rules:
            params["enabledRules"] = ",".join(options.enabled_rules)
        if options.disabled_categories:
            params["disabledCategories"] = ",".join(options.disabled_categories)
        return {**params, **self._credentials}


def _map_back(matches: list[LtMatch], batch: list[_Piece]) -> list[tuple[int, LtMatch]]:
    """(paragraph index, match relative to that paragraph) for matches in a joined
    batch. A match running over a joiner is kept: into the next piece when that is the
    same paragraph, else clipped at its paragraph's end. Cross-paragraph rules and
    edge rules at cuts inside a sentence are dropped."""
    starts, ends = [], []
    position = 0
    for piece in batch:
        starts.append(position)
        position += len(piece.text)
        ends.append(position)
        position += len(PARAGRAPH_JOINER)
    result = []
    for match in matches:
        if _is_cross_paragraph(match.rule_id):
            continue
        first = max(0, bisect.bisect_right(starts, match.start) - 1)
        last = max(first, bisect.bisect_right(starts, max(match.start, match.end - 1)) - 1)
        piece = batch[first]
        while last > first and batch[last].paragraph != piece.paragraph:
            last -= 1
        start = piece.offset + min(match.start - starts[first], len(piece.text))
        end_piece = batch[last]
        end = end_piece.offset + min(max(match.end - starts[last], 0), len(end_piece.text))
        if piece.cut_before and match.rule_id in _START_RULES and match.start == starts[first]:
            continue
        if end_piece.cut_after and match.rule_id in _END_RULES and match.end >= ends[last]:
            continue
        result.append((piece.paragraph, replace(match, start=start, end=max(start, end))))
    return result


@dataclass(frozen=True)
class _Answer:
    status: int
    status_text: str
    body: bytes

    def reason(self) -> str:
        """LanguageTool's error text, first line, short (it names the limit, not the text)."""
        text = self.body.decode("utf-8", "replace").strip()
        return (text.splitlines()[0] if text else self.status_text)[:200]


_FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"}


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())
