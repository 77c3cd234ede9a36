"""One prepared Draft per request.

The agent's draft arrives as plain text or HTML. Checks see one plain `text` (what every
finding's offsets refer to), the agent's `own_text` (the same string with quoted history
and the signature blanked, so offsets stay shared), protected spans (links, codes) that
no check should "correct", and, for HTML, a map back to the submitted markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from typing import Any, Literal

Format = Literal["text", "html"]
Span = tuple[int, int]

# Where a reply stops being the agent's own words (RFC 3676 signature, reply headers).
_SIGNATURE_LINE = re.compile(r"^-- ?$")
_QUOTE_HEADERS = (
    re.compile(r"^On .{3,200}wrote:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^From: .+$"),  # Outlook; only a header when Sent:/Date: follows
)
_OUTLOOK_NEXT = re.compile(r"^(Sent|Date): ")
_QUOTED_LINE = re.compile(r"^\s*>")

PROTECTED_PATTERNS = (
    re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]]"),
    re.compile(r"\bwww\.[^\s<>\"]+[^\s<>\".,;:!?)\]]"),
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    re.compile(r"`[^`\n]+`"),
    re.compile(r"#\d[\w-]*"),  # order #48213
    re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b"),  # AB-12345
    re.compile(r"\b[A-Z]{2,}\d{3,}\b"),  # INC0012345
)

_BLOCK_BREAKS = {  # tag -> newlines around it
    "p": 2, "h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2, "ul": 2, "ol": 2,
    "table": 2, "blockquote": 2, "pre": 2, "hr": 2,
    "div": 1, "li": 1, "tr": 1, "section": 1, "article": 1, "header": 1, "footer": 1,
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}
_HIDDEN = {"script", "style", "head", "title", "template"}
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    words: int


@dataclass
class Draft:
    source: str
    format: Format
    text: str
    own_text: str
    quoted: list[Span] = field(default_factory=list)
    signature: list[Span] = field(default_factory=list)
    protected: list[Span] = field(default_factory=list)
    source_starts: list[int] | None = None  # html only: per text char, its span in source
    source_ends: list[int] | None = None
    doc: Any = None  # the spaCy Doc of own_text, attached by the pipeline
    sentences: list[Sentence] = field(default_factory=list)  # of own_text, from doc

    @cached_property
    def paragraphs(self) -> list[tuple[int, str]]:
        """The agent's own paragraphs as (start, text), blank ones left out."""
        result = []
        for match in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", self.own_text):
            chunk = match.group()
            stripped = chunk.strip()
            if stripped:
                result.append((match.start() + chunk.index(stripped[0]), stripped))
        return result

    def overlaps_protected(self, start: int, end: int) -> bool:
        return any(start < p_end and p_start < end for p_start, p_end in self.protected)

    def to_source(self, start: int, end: int) -> Span | None:
        """Offsets in the submitted HTML for a span of `text` (None for plain text)."""
        if self.source_starts is None or self.source_ends is None or end <= start:
            return None
        return self.source_starts[start], self.source_ends[end - 1]

    def own_without_protected(self, start: int = 0, end: int | None = None) -> str:
        """own_text[start:end] with links and codes blanked: they are not prose."""
        end = len(self.own_text) if end is None else end
        chars = list(self.own_text[start:end])
        for p_start, p_end in self.protected:
            for i in range(max(p_start, start), min(p_end, end)):
                chars[i - start] = " "
        return "".join(chars)


def prepare_draft(source: str, fmt: Format = "text") -> Draft:
    if fmt == "html":
        text, starts, ends, marked = html_to_text(source)
    else:
        text, starts, ends, marked = source, None, None, {}
    quoted, signature = _foreign_spans(text, marked)
    own = _blank(text, quoted + signature)
    protected = sorted(
        {m.span() for pattern in PROTECTED_PATTERNS for m in pattern.finditer(text)}
    )
    return Draft(
        source=source, format=fmt, text=text, own_text=own, quoted=quoted,
        signature=signature, protected=protected, source_starts=starts, source_ends=ends,
    )


def _blank(text: str, spans: list[Span]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _foreign_spans(text: str, marked: dict[str, list[Span]]) -> tuple[list[Span], list[Span]]:
    """Quoted history and signature, from HTML markers and from plain-text conventions."""
    quoted = list(marked.get("quoted", []))
    signature = list(marked.get("signature", []))
    lines = _lines(text)
    sig_start = None
    for index, (start, line) in enumerate(lines):
        if _is_quote_header(lines, index):
            if sig_start is not None:
                signature.append((sig_start, start))
            quoted.append((start, len(text)))
            return _merge(quoted), _merge(signature)
        if _QUOTED_LINE.match(line):
            quoted.append((start, start + len(line)))
        elif sig_start is None and _SIGNATURE_LINE.match(line):
            sig_start = start
    if sig_start is not None:
        signature.append((sig_start, len(text)))
    return _merge(quoted), _merge(signature)


def _lines(text: str) -> list[tuple[int, str]]:
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((start, line))
        start += len(line) + 1
    return lines


def _is_quote_header(lines: list[tuple[int, str]], index: int) -> bool:
    line = lines[index][1].strip()
    if _QUOTE_HEADERS[0].match(line) or _QUOTE_HEADERS[1].match(line):
        return True
    if line.startswith("On ") and index + 1 < len(lines):  # header wrapped over two lines
        if lines[index + 1][1].strip().endswith("wrote:") and len(line) < 200:
            return True
    if _QUOTE_HEADERS[2].match(line):
        following = [text for _, text in lines[index + 1:index + 4]]
        return any(_OUTLOOK_NEXT.match(text) for text in following)
    return False


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def html_to_text(source: str) -> tuple[str, list[int], list[int], dict[str, list[Span]]]:
    """Plain text of an HTML fragment, with each character's span in the source and the
    spans that are quoted history or signature. Tolerates broken markup."""
    parser = _HtmlText(source)
    parser.feed(source)
    parser.close()
    return parser.result()


class _HtmlText(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._source_len = len(source)
        self._chars: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._kinds: list[str] = []
        self._stack: list[tuple[str, str | None]] = []  # (tag, kind it opened)
        self._hidden = 0
        self._pre = 0

    # -- position and state -------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return min(self._line_starts[line - 1] + col, self._source_len)

    def _kind(self) -> str:
        for _, kind in reversed(self._stack):
            if kind:
                return kind
        return "own"

    def _emit(self, char: str, start: int, end: int) -> None:
        self._chars.append(char)
        self._starts.append(start)
        self._ends.append(end)
        self._kinds.append(self._kind())

    def _break(self, count: int) -> None:
        while self._chars and self._chars[-1] == " ":
            for column in (self._chars, self._starts, self._ends, self._kinds):
                column.pop()
        if not self._chars:
            return
        trailing = len(self._chars) - len("".join(self._chars).rstrip("\n"))
        pos = self._pos()
        for _ in range(count - trailing):
            self._emit("\n", pos, pos)

    # -- parser callbacks ---------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        if tag == "br":
            pos = self._pos()
            self._emit("\n", pos, pos)
            return
        if tag in _BLOCK_BREAKS:
            self._break(_BLOCK_BREAKS[tag])
        if tag in _VOID:
            return
        self._stack.append((tag, _marker_kind(tag, dict(attrs))))
        if tag == "pre":
            self._pre += 1
        if tag == "li":
            pos = self._pos()
            for char in "- ":
                self._emit(char, pos, pos)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        names = [name for name, _ in self._stack]
        if tag not in names:
            return  # a stray end tag: ignore it, as browsers do
        if tag in _BLOCK_BREAKS:
            self._break(_BLOCK_BREAKS[tag])
        while self._stack:
            name, _ = self._stack.pop()
            if name == "pre":
                self._pre = max(0, self._pre - 1)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        base = self._pos()
        for offset, char in enumerate(data):
            if char.isspace() and not self._pre:
                if not self._chars or self._chars[-1] in " \n":
                    continue
                char = " "
            self._emit(char, base + offset, base + offset + 1)

    def handle_entityref(self, name: str) -> None:
        self._entity(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._entity(f"&#{name};")

    def _entity(self, raw: str) -> None:
        if self._hidden:
            return
        start = self._pos()
        end = start + len(raw)
        for char in html.unescape(raw):
            if char == "\xa0":
                char = " "
            self._emit(char, start, end)

    # -- result -------------------------------------------------------------
    def result(self) -> tuple[str, list[int], list[int], dict[str, list[Span]]]:
        text = "".join(self._chars)
        lead = len(text) - len(text.lstrip())
        stop = len(text.rstrip())
        text = text[lead:stop]
        kinds = self._kinds[lead:stop]
        marked: dict[str, list[Span]] = {}
        for index, kind in enumerate(kinds):
            if kind != "own":
                spans = marked.setdefault(kind, [])
                if spans and spans[-1][1] == index:
                    spans[-1] = (spans[-1][0], index + 1)
                else:
                    spans.append((index, index + 1))
        return text, self._starts[lead:stop], self._ends[lead:stop], marked


def _marker_kind(tag: str, attrs: dict[str, str | None]) -> str | None:
    classes = (attrs.get("class") or "").lower()
    element_id = (attrs.get("id") or "").lower()
    if tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES) or element_id in _QUOTE_IDS:
        return "quoted"
    if "gmail_signature" in classes or "signature" == element_id:
        return "signature"
    return None
