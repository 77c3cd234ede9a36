"""Markdown and reStructuredText files as a Document, the way Vale sees them: inline code
is not prose (masked, offsets kept), nor is a link's or image's destination (Vale reads
the rendered HTML, where `[text](url)` is only its text), heading markers are not text,
and each block (heading or paragraph) is a unit of the `text` scope. Used to run Vale packages'
own fixtures; replies are prepared by text.Draft instead."""

from __future__ import annotations

import re

from .engine import Document, Span, paragraphs, simple_sentences

_CODE = re.compile(r"``[^`\n]+``|`[^`\n]+`")
_DESTINATION = re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"\n]*\")?\)")  # `](url "title")`
_HEADING = re.compile(r"^(#{1,6} )(.*)$", re.MULTILINE)


def markup_document(text: str) -> Document:
    chars = list(text)
    for m in (*_CODE.finditer(text), *_DESTINATION.finditer(text)):
        for i in range(m.start(), m.end()):
            chars[i] = "*"
    headings: list[Span] = []
    for m in _HEADING.finditer(text):
        for i in range(m.start(1), m.end(1)):
            chars[i] = " "
        headings.append(m.span(2))
    masked = "".join(chars)
    blocks = paragraphs(masked)
    body = [b for b in blocks if not any(h[0] >= b[0] and h[1] <= b[1] for h in headings)]
    return Document(
        text=masked,
        blocks={
            "text": blocks,
            "paragraph": body,
            "heading": headings,
            "sentence": simple_sentences(masked, body),
        },
    )


def line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
