"""One prepared Draft per request.

The agent's draft arrives as plain text or HTML. Checks see one plain `text` (what every
finding's offsets refer to; for plain text, the submission as sent), the agent's
`own_text` (the same string with quoted history and the signature blanked, so offsets
stay shared), which spans are whose (`own_spans`, `kind_at`), protected spans (links,
codes) that no check should "correct", and, for HTML, a map back to the submitted markup.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.entities import html5
from html.parser import HTMLParser
from typing import Any, Literal

from .model import Channel
from .patterns import EMAIL, URL, WWW

Format = Literal["text", "html"]
Kind = Literal["own", "quoted", "signature"]
Span = tuple[int, int]

# Mail arrives with \r\n (Outlook, helpdesk exports), \n or, rarely, \r line breaks; the
# plain text is kept as submitted, so every line rule accepts all three.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAKS = ("", "\n", "\r\n", "\r")  # what may separate two spans that make one
_NOT_LINE_BREAK = re.compile(r"[^\r\n]")
# A paragraph runs over single line breaks and stops at a blank line.
_PARAGRAPH = re.compile(r"(?:[^\r\n]+|(?:\r\n|\r|\n)(?![ \t]*[\r\n]))+")

# Where a reply stops being the agent's own words (RFC 3676 signature, reply headers).
# "--" is also a separator inside replies: it opens the signature only when what follows
# is short and no prose (see _looks_like_signature).
_SIGNATURE_LINE = re.compile(r"^-- ?$")
_SIGNATURE_MAX_LINES = 6
_SIGNATURE_MAX_CHARS = 400
_QUOTE_HEADERS = (
    re.compile(r"^On .{3,200}wrote:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^From: .+$"),  # Outlook; only a header when Sent:/Date: follows
)
_OUTLOOK_NEXT = re.compile(r"^(Sent|Date): ")
_QUOTED_LINE = re.compile(r"^\s*>")

PROTECTED_PATTERNS = (
    URL,
    WWW,
    EMAIL,
    re.compile(r"`[^`\n]+`"),
    re.compile(r"#\d[\w-]*"),  # order #48213
    re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b"),  # AB-12345
    re.compile(r"\b[A-Z]{2,}\d{3,}\b"),  # INC0012345
)

# Social replies address the customer by @handle and close with the agent's initials or
# first name after ^ or a dash, often on the same line as the last sentence: "@dana_k
# Your refund is on its way. ^JK". The handles are addressing, the sign-off a signature.
_SOCIAL = frozenset({Channel.social_public, Channel.social_private})
_HANDLE = re.compile(r"(?<![\w@./])@\w(?:[\w.]{0,28}\w)?")  # X: 15 word characters; Instagram: 30, dots too
# A thread of tweets numbers its parts: "1/2" or "(2/2)" after the handles or at the end.
_TWEET_PART = r"\(?[1-9]/[1-9]\)?"
_TWEET_COUNTER = re.compile(rf"^(?:@\w+\s+)*(?P<lead>{_TWEET_PART})(?=\s)|(?<=\s)(?P<tail>{_TWEET_PART})\s*\Z")
# The sign-off may follow the last word with no space ("Thanks.^Kartika") and come
# before the part counter ("-Shie 3/3"); initials may be lower case ("–jeh", "_Rjay").
_SOCIAL_SIGN_OFF = re.compile(
    rf"(?:^|(?<=\s)|(?<=[.!?,])(?=\^))(?:[\^~_–—-] ?[A-Z]|[\^~_–—-][a-z])[A-Za-z]{{0,14}}\.?"
    rf"(?:\s+{_TWEET_PART})?(?=\s*\Z)"
)

_BLOCK_BREAKS = {  # tag -> newlines around it
    "p": 2,
    "h1": 2,
    "h2": 2,
    "h3": 2,
    "h4": 2,
    "h5": 2,
    "h6": 2,
    "ul": 2,
    "ol": 2,
    "table": 2,
    "blockquote": 2,
    "pre": 2,
    "hr": 2,
    "dl": 2,
    "figure": 2,
    "menu": 2,
    "div": 1,
    "li": 1,
    "tr": 1,
    "section": 1,
    "article": 1,
    "header": 1,
    "footer": 1,
    "dt": 1,
    "dd": 1,
    "figcaption": 1,
    "address": 1,
    "aside": 1,
    "nav": 1,
    "main": 1,
    "caption": 1,
    "fieldset": 1,
    "legend": 1,
    "details": 1,
    "summary": 1,
    "form": 1,
    "center": 1,
    "hgroup": 1,
    "dialog": 1,
}
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_WORDY_ATTRIBUTES = frozenset({"href", "title", "alt", "aria-label", "placeholder", "value", "summary", "cite"})
_CELLS = {"td", "th"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}
_HIDDEN = {"script", "style", "head", "title", "template"}
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend")
_SIGNATURE_CLASSES = ("gmail_signature", "moz-signature")  # Gmail, Thunderbird
_SIGNATURE_IDS = ("signature", "applemailsignature")  # Outlook, Apple Mail
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")  # white space that is not one plain space
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")  # as html.unescape


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
    # html only: spans of the source that are sent but not shown as text: attribute values
    # (href="mailto:...", title, alt), comments and CDATA
    hidden: list[Span] = field(default_factory=list)
    source_ends: list[int] | None = None
    doc: Any = None  # the spaCy Doc of `text` (quoted history included), in the pipeline's parsed copy
    sentences: list[Sentence] = field(default_factory=list)  # the agent's own, from doc
    # A social reply posted in parts ("2/3"): (this part, parts). A later part goes on
    # with a reply already begun, so it needs no opening of its own.
    part: tuple[int, int] | None = None

    @cached_property
    def paragraphs(self) -> list[tuple[int, str]]:
        """The agent's own paragraphs as (start, text), blank ones left out."""
        result = []
        for match in _PARAGRAPH.finditer(self.own_text):
            chunk = match.group()
            stripped = chunk.strip()
            if stripped:
                result.append((match.start() + chunk.index(stripped[0]), stripped))
        return result

    @cached_property
    def own_spans(self) -> list[Span]:
        """The spans of `text` that are the agent's own: neither quoted history nor signature."""
        spans, at = [], 0
        for start, end in _union(self.quoted + self.signature):
            if start > at:
                spans.append((at, start))
            at = max(at, end)
        if at < len(self.text):
            spans.append((at, len(self.text)))
        return spans

    def kind_at(self, start: int, end: int) -> Kind:
        """Whose words the span [start, end) of `text` holds, judged by its first character:
        quoted history, the signature, or the agent's own."""
        if _covers(self.quoted, start):
            return "quoted"
        if _covers(self.signature, start):
            return "signature"
        return "own"

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


def prepare_draft(source: str, fmt: Format = "text", channel: Channel | str | None = None) -> Draft:
    """The Draft of `source`. Given the `channel`, its conventions too: on social channels
    @handles are protected and a trailing "^JK" or "-Becky" is the signature."""
    if fmt == "html":
        text, starts, ends, marked = html_to_text(source)
    else:
        text, starts, ends, marked = source, None, None, {}
    quoted, signature = _foreign_spans(text, marked)
    spans = [m.span() for pattern in PROTECTED_PATTERNS for m in pattern.finditer(text)]
    part = None
    if channel is not None and Channel(channel) in _SOCIAL:
        signature = _social_signature(text, quoted, signature)
        spans += [m.span() for m in _HANDLE.finditer(text)]
        counters = [m for m in _TWEET_COUNTER.finditer(text) if m.lastgroup]
        spans += [m.span(m.lastgroup) for m in counters if m.lastgroup]
        part = _tweet_part(counters[0].group(counters[0].lastgroup or 0)) if counters else None
    own = _blank(text, quoted + signature)
    # A link's path may hold a code ("/orders/#48213"): overlapping matches make one span.
    protected = _union(spans)
    return Draft(
        source=source,
        format=fmt,
        text=text,
        own_text=own,
        quoted=quoted,
        signature=signature,
        protected=protected,
        source_starts=starts,
        source_ends=ends,
        part=part,
        hidden=marked.get("hidden", []),
    )


def _tweet_part(counter: str) -> tuple[int, int] | None:
    number, total = (int(n) for n in counter.strip("()").split("/"))
    return (number, total) if number <= total else None


def _social_signature(text: str, quoted: list[Span], signature: list[Span]) -> list[Span]:
    """The signature with a social sign-off ("^JK", "- Becky") that ends the agent's own
    text added: the last run of text before any quoted history."""
    end = quoted[0][0] if quoted else len(text)
    match = None if signature or not end else _SOCIAL_SIGN_OFF.search(text, 0, end)
    return [match.span()] if match else signature


def _blank(text: str, spans: list[Span]) -> str:
    """`text` with the spans blanked; line breaks stay, so lines and paragraphs do."""
    parts, at = [], 0
    for start, end in sorted(spans):
        start = max(start, at)
        if start < end:
            parts += [text[at:start], _NOT_LINE_BREAK.sub(" ", text[start:end])]
            at = end
    parts.append(text[at:])
    return "".join(parts)


def _foreign_spans(text: str, marked: dict[str, list[Span]]) -> tuple[list[Span], list[Span]]:
    """Quoted history and signature, from HTML markers and from plain-text conventions."""
    lines = _lines(text)
    quoted = _union(marked.get("quoted", []) + _quoted_lines(lines, len(text)), text)
    signature = marked.get("signature", []) + _signature(lines, quoted, len(text))
    return quoted, _without(_union(signature, text), quoted)


def _lines(text: str) -> list[tuple[int, str]]:
    """(start, line) for each line of `text`, without its line break."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append((start, text[start : match.start()]))
        start = match.end()
    lines.append((start, text[start:]))
    return lines


def _quoted_lines(lines: list[tuple[int, str]], length: int) -> list[Span]:
    """Lines starting with ">", and everything from a reply header on."""
    spans = []
    for index, (start, line) in enumerate(lines):
        if _is_quote_header(lines, index):
            spans.append((start, length))
            break
        if _QUOTED_LINE.match(line):
            spans.append((start, start + len(line)))
    return spans


def _signature(lines: list[tuple[int, str]], quoted: list[Span], length: int) -> list[Span]:
    """From the first delimiter line that only a signature follows, up to the quoted
    history or the end of the text."""
    for run, end in _unquoted_runs(lines, quoted, length):
        tail = _last_filled(run, _SIGNATURE_MAX_LINES + 1)
        for index, (start, line) in enumerate(tail):
            if _SIGNATURE_LINE.match(line) and _looks_like_signature([rest.strip() for _, rest in tail[index + 1 :]]):
                return [(start, end)]
    return []


def _unquoted_runs(
    lines: list[tuple[int, str]], quoted: list[Span], length: int
) -> Iterator[tuple[list[tuple[int, str]], int]]:
    """The runs of lines outside quoted history, each with where it stops."""
    if not quoted:
        yield lines, length
        return
    run: list[tuple[int, str]] = []
    for start, line in lines:
        if not _covers(quoted, start):
            run.append((start, line))
        elif run:
            yield run, start
            run = []
    if run:
        yield run, length


def _last_filled(lines: list[tuple[int, str]], count: int) -> list[tuple[int, str]]:
    """The last `count` lines that are not blank."""
    filled: list[tuple[int, str]] = []
    for start, line in reversed(lines):
        if line.strip():
            filled.append((start, line))
            if len(filled) == count:
                break
    return filled[::-1]


def _looks_like_signature(lines: list[str]) -> bool:
    """A few short lines (name, role, phone, address) and no sentence of prose: a "--"
    separator inside a reply is followed by more of the reply."""
    return (
        len(lines) <= _SIGNATURE_MAX_LINES
        and sum(map(len, lines)) <= _SIGNATURE_MAX_CHARS
        and not any(_is_prose(line) for line in lines)
    )


def _is_prose(line: str) -> bool:
    """A sentence: it ends like one and has the small lower-case words prose has, where
    names, roles, companies and addresses are capitalised."""
    ends_sentence = line.rstrip("\"')]").endswith((".", "!", "?"))
    return ends_sentence and sum(word[0].islower() for word in line.split()) >= 4


def _is_quote_header(lines: list[tuple[int, str]], index: int) -> bool:
    line = lines[index][1].strip()
    if _QUOTE_HEADERS[0].match(line) or _QUOTE_HEADERS[1].match(line):
        return True
    if line.startswith("On ") and index + 1 < len(lines):  # header wrapped over two lines
        if lines[index + 1][1].strip().endswith("wrote:") and len(line) < 200:
            return True
    if _QUOTE_HEADERS[2].match(line):
        following = [text for _, text in lines[index + 1 : index + 4]]
        return any(_OUTLOOK_NEXT.match(text) for text in following)
    return False


def _union(spans: list[Span], text: str | None = None) -> list[Span]:
    """The spans sorted, overlapping ones joined; given `text`, also those only a line
    break apart (consecutive quoted lines make one span)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and (start < merged[-1][1] or (text is not None and text[merged[-1][1] : start] in _LINE_BREAKS)):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without(spans: list[Span], holes: list[Span]) -> list[Span]:
    """`spans` less what `holes` cover (both sorted and disjoint)."""
    result = []
    for start, end in spans:
        for hole_start, hole_end in holes:
            if hole_start < end and start < hole_end:
                if start < hole_start:
                    result.append((start, hole_start))
                start = max(start, hole_end)
        if start < end:
            result.append((start, end))
    return result


def _covers(spans: list[Span], offset: int) -> bool:
    """Whether one of `spans` (sorted, disjoint) holds `offset`."""
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and offset < spans[index][1]


def html_to_text(source: str) -> tuple[str, list[int], list[int], dict[str, list[Span]]]:
    """Plain text of an HTML fragment, with each character's span in the source and the
    spans that are quoted history or signature. Tolerates broken markup."""
    parser = _HtmlText(source)
    parser.feed(source)
    parser.close()
    return parser.result()


class _HtmlText(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)  # references are mapped to their own source span
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._chars: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._kinds: list[str] = []
        self._stack: list[tuple[str, str]] = []  # (tag, kind of the text inside it)
        self._open: Counter[str] = Counter()  # tags on the stack: an end tag is looked up at once
        self._hidden = 0
        self._pre = 0
        self._hidden_spans: list[Span] = []

    # -- position and state -------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return min(self._line_starts[line - 1] + col, len(self._source))

    def _kind(self) -> str:
        return self._stack[-1][1] if self._stack else "own"

    def _emit(self, char: str, start: int, end: int) -> None:
        self._chars.append(char)
        self._starts.append(start)
        self._ends.append(end)
        self._kinds.append(self._kind())

    def _extend(self, chars: str, start: int) -> None:
        """Characters copied from the source from `start` on, one source character each."""
        self._chars += chars
        self._starts += range(start, start + len(chars))
        self._ends += range(start + 1, start + len(chars) + 1)
        self._kinds += [self._kind()] * len(chars)

    def _trim(self) -> None:
        while self._chars and self._chars[-1] in " \t":
            for column in (self._chars, self._starts, self._ends, self._kinds):
                column.pop()

    def _break(self, count: int) -> None:
        self._trim()
        if not self._chars:
            return
        trailing = 0
        while trailing < min(count, len(self._chars)) and self._chars[-1 - trailing] == "\n":
            trailing += 1
        pos = self._pos()
        for _ in range(count - trailing):
            self._emit("\n", pos, pos)

    def _cell(self) -> None:
        """A tab between the cells of a row: "<td>Their</td><td>is" is two words."""
        self._trim()
        if self._chars and not self._chars[-1].isspace():
            pos = self._pos()
            self._emit("\t", pos, pos)

    # -- parser callbacks ---------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(value for _, value in attrs):
            self._attribute_values()
        if tag in _HIDDEN:
            self._hidden += 1
        if tag == "br":
            pos = self._pos()
            self._emit("\n", pos, pos)
            return
        if tag in _BLOCK_BREAKS:
            self._break(_BLOCK_BREAKS[tag])
        elif tag in _CELLS:
            self._cell()
        if tag in _VOID:
            return
        self._stack.append((tag, _inner_kind(self._kind(), _marker_kind(tag, dict(attrs)))))
        self._open[tag] += 1
        if tag == "pre":
            self._pre += 1
        if tag == "li":
            pos = self._pos()
            for char in "- ":
                self._emit(char, pos, pos)

    def _attribute_values(self) -> None:
        """The source spans of the tag's attributes that hold words: sent, never shown."""
        raw, start = self.get_starttag_text() or "", self._pos()
        for match in _ATTRIBUTE.finditer(raw):
            if match.group(1).lower() in _WORDY_ATTRIBUTES:
                group = next(g for g in (2, 3, 4) if match.group(g) is not None)
                self._hidden_spans.append((start + match.start(group), start + match.end(group)))

    def handle_comment(self, data: str) -> None:
        start = self._pos() + len("<!--")
        self._hidden_spans.append((start, start + len(data)))

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA["):
            start = self._pos() + len("<![CDATA[")
            self._hidden_spans.append((start, start + len(data) - len("CDATA[")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        if not self._open[tag]:
            return  # a stray end tag: ignore it, as browsers do
        if tag in _BLOCK_BREAKS:
            self._break(_BLOCK_BREAKS[tag])
        while self._stack:
            name, _ = self._stack.pop()
            self._open[name] -= 1
            if name == "pre":
                self._pre = max(0, self._pre - 1)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        base = self._pos()
        if "&" not in data[:-1]:  # a reference is "&" and at least one more character
            self._text(data, base)
            return
        # The parser leaves a reference at the very end of the input in data: decode it too.
        at = 0
        for match in _REFERENCE.finditer(data):
            self._text(data[at : match.start()], base + at)
            self._reference(base + match.start(), base + match.end())
            at = match.end()
        self._text(data[at:], base + at)

    def handle_entityref(self, name: str) -> None:
        self._parsed_reference(1 + len(name))

    def handle_charref(self, name: str) -> None:
        self._parsed_reference(2 + len(name))

    def _parsed_reference(self, size: int) -> None:
        """The parser reports "&amp x" as it reports "&amp;": only the source has the ";"."""
        start = self._pos()
        end = start + size
        self._reference(start, end + 1 if self._source.startswith(";", end) else end)

    def _text(self, data: str, base: int) -> None:
        """Source text from `base` on; outside <pre> a run of white space is one space."""
        if self._hidden or not data:
            return
        if self._pre:
            self._extend(data, base)
            return
        at = 0  # single spaces are copied as they are, in bulk: that is most of them
        for match in _ODD_SPACE.finditer(data):
            self._words(data[at : match.start()], base + at)
            if self._chars and self._chars[-1] not in " \t\n":
                self._emit(" ", base + match.start(), base + match.start() + 1)
            at = match.end()
        self._words(data[at:], base + at)

    def _words(self, chunk: str, start: int) -> None:
        """Words and single spaces; a leading space goes where one is already."""
        if chunk[:1] == " " and (not self._chars or self._chars[-1] in " \t\n"):
            chunk, start = chunk[1:], start + 1
        self._extend(chunk, start)

    def _reference(self, start: int, end: int) -> None:
        """The character reference source[start:end]: what it decodes to maps to the
        characters that make it; an undecoded rest stays as written."""
        if self._hidden:
            return
        raw = self._source[start:end]
        value, used = _decode(raw)
        for char in value:
            self._emit(" " if char == "\xa0" else char, start, start + used)
        self._text(raw[used:], start + used)

    # -- result -------------------------------------------------------------
    def result(self) -> tuple[str, list[int], list[int], dict[str, list[Span]]]:
        text = "".join(self._chars)
        lead = len(text) - len(text.lstrip())
        stop = max(lead, len(text.rstrip()))
        marked: dict[str, list[Span]] = {}
        index = 0
        for kind, run in itertools.groupby(self._kinds[lead:stop]):
            size = len(list(run))
            if kind != "own":
                marked.setdefault(kind, []).append((index, index + size))
            index += size
        if self._hidden_spans:
            marked["hidden"] = [span for span in self._hidden_spans if span[0] < span[1]]
        return text[lead:stop], self._starts[lead:stop], self._ends[lead:stop], marked


def _decode(reference: str) -> tuple[str, int]:
    """What a character reference stands for and how many of its characters that takes,
    by html.unescape's rules: "&notit;" is "&not" (¬) followed by "it;" as written."""
    if reference.startswith("&#"):
        return html.unescape(reference), len(reference)
    name = reference[1:]
    if name in html5:
        return html5[name], len(reference)
    for size in range(len(name) - 1, 1, -1):
        if name[:size] in html5:  # the legacy names that need no ";"
            return html5[name[:size]], size + 1
    return "", 0


def _inner_kind(outer: str, marker: str | None) -> str:
    """Quoted history is quoted throughout, the customer's signature in it too."""
    return "quoted" if "quoted" in (outer, marker) else marker or outer


def _marker_kind(tag: str, attrs: dict[str, str | None]) -> str | None:
    classes = (attrs.get("class") or "").lower()
    element_id = (attrs.get("id") or "").lower()
    if tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES) or element_id in _QUOTE_IDS:
        return "quoted"
    if any(c in classes for c in _SIGNATURE_CLASSES) or element_id in _SIGNATURE_IDS:
        return "signature"
    return None
