"""The shapes of things written inside a reply that are not words: links and email
addresses. One definition each, for the prepared text (protected spans), the sentence
splitter, the channel rules and the structure check."""

from __future__ import annotations

import re

# A link ends before trailing punctuation: "see https://example.com/help." ends at "help".
URL = re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
WWW = re.compile(r"\bwww\.[^\s<>\"]+[^\s<>\".,;:!?)\]]")
LINK = re.compile(f"{URL.pattern}|{WWW.pattern}")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
