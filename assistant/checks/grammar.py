"""Grammar and spelling: LanguageTool, on the agent's own paragraphs."""

from __future__ import annotations

import re

from ..guide import Guide
from ..languagetool_client import CheckOptions, LanguageToolClient, LanguageToolDown, LtMatch
from ..model import Context, Finding, Severity
from ..text import Draft
from .base import NotApplicable, Outcome, Unavailable

# English variants the bundled server (language-en) checks.
LANGUAGES = {"en-GB", "en-US", "en-AU", "en-CA", "en-NZ", "en-ZA"}
CRITERIA = ["DEAL.P12", "RELATE.K8"]  # written format, style and tone; clear, polite language
_SERIOUS_TYPES = {"misspelling", "grammar", "duplication"}
_SERIOUS_CATEGORIES = {"TYPOS", "GRAMMAR", "CONFUSED_WORDS"}


def language_for(locale: str) -> str:
    """LanguageTool's code for a locale: en-GB, en-US...; plain `en` means British."""
    parts = re.split(r"[-_]", locale.strip())
    code = parts[0].lower() + (f"-{parts[1].upper()}" if len(parts) > 1 else "")
    if code in LANGUAGES:
        return code
    if code == "en":
        return "en-GB"
    raise NotApplicable(f"LanguageTool here checks English only, not {locale!r}.")


class GrammarCheck:
    name = "grammar"
    waits_on_io = True
    spacy_pipes: frozenset[str] = frozenset()

    def __init__(self, client: LanguageToolClient) -> None:
        self.client = client

    def run(self, draft: Draft, context: Context, guide: Guide) -> Outcome:
        options = CheckOptions(
            language=language_for(context.locale or guide.locale),
            picky=guide.languagetool.picky,
            disabled_rules=tuple(sorted(guide.languagetool.disabled_rules)),
            enabled_rules=tuple(sorted(guide.languagetool.enabled_rules)),
            disabled_categories=tuple(sorted(guide.languagetool.disabled_categories)),
        )
        paragraphs = draft.paragraphs
        try:
            per_paragraph = self.client.check_paragraphs([p for _, p in paragraphs], options)
        except LanguageToolDown as exc:
            raise Unavailable(str(exc)) from exc
        ignored = _ignored_words(guide, context)
        findings = []
        for (offset, _), matches in zip(paragraphs, per_paragraph):
            for match in matches:
                start, end = offset + match.start, offset + match.end
                excerpt = draft.text[start:end]
                if draft.overlaps_protected(start, end) or _is_ignored(match, excerpt, ignored):
                    continue
                findings.append(_finding(match, start, end, excerpt, guide.languagetool.severity))
        return Outcome(findings=findings, metrics={"language": options.language})


def _ignored_words(guide: Guide, context: Context) -> set[str]:
    """The guide's ignore list plus the customer's and agent's names: LanguageTool has no
    per-request dictionary, so these spelling matches are dropped here."""
    words = set(guide.languagetool.ignore_words)
    for name in (context.customer.name, context.agent.name):
        words.update(re.findall(r"[^\W\d_][\w'-]*", name or ""))
    return {word.casefold() for word in words}


def _is_ignored(match: LtMatch, excerpt: str, ignored: set[str]) -> bool:
    return match.category == "TYPOS" and excerpt.casefold() in ignored


def _severity(match: LtMatch, overrides: dict[str, Severity]) -> Severity:
    """The guide's say first (by rule, then category); else errors warn, style suggests."""
    for key in (match.rule_id, match.category):
        if key in overrides:
            return overrides[key]
    serious = match.issue_type in _SERIOUS_TYPES or match.category in _SERIOUS_CATEGORIES
    return Severity.warning if serious else Severity.suggestion


def _finding(match: LtMatch, start: int, end: int, excerpt: str, overrides: dict[str, Severity]) -> Finding:
    return Finding(
        check="grammar",
        rule=f"grammar.{match.rule_id}",
        severity=_severity(match, overrides),
        message=match.message,
        start=start,
        end=end,
        excerpt=excerpt,
        suggestions=list(match.replacements),
        criteria=CRITERIA,
        details={"category": match.category, "issue_type": match.issue_type},
    )
