"""Rules as declared data: what each check can say, declared once beside the check.

A rule has an id (`tone.curt`), a default severity, a message, the criteria it cites, and
texts that must fire it and near-misses that must not (run by tests/test_rules.py through
the full pipeline). A check declares its rules in one `RuleSet` and builds every finding
through it, so a finding always comes from a declared rule and no check names another.
A family (`grammar.*`) stands for rules whose ids are made at run time: a LanguageTool
rule, a guide's Vale rule.

A guide's top-level `rules:` maps a rule id to a severity or `off`; `apply_settings` is
the one mechanism that applies it, to every check's findings alike."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .criteria import criteria as known_criteria
from .model import Finding, Severity
from .text import Draft, Span

RuleSetting = Literal["blocker", "warning", "suggestion", "off"]
_ID = re.compile(r"^[a-z_]+\.(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*|\*)$")


class RuleError(ValueError):
    """A rule declared wrongly: caught at import, never on a draft."""


@dataclass(frozen=True)
class Example:
    """A text checked as `/v1/check` would check it: `context` holds Context fields as
    JSON (channel `email` unless it says), `guide` a guide id (the default guide if none)."""

    text: str
    context: Mapping[str, Any] = field(default_factory=dict)
    guide: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    message: str
    criteria: tuple[str, ...]
    suggestions: tuple[str, ...] = ()
    fires: tuple[Example, ...] = ()
    passes: tuple[Example, ...] = ()
    aliases: tuple[str, ...] = ()  # former ids a guide's `rules:` may still name (for one release)

    @property
    def check(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def family(self) -> bool:
        return self.id.endswith(".*")

    def covers(self, rule_id: str) -> bool:
        return rule_id == self.id or (self.family and rule_id.startswith(self.id[:-1]))


_FORMER_IDS: dict[str, tuple[str, ...]] = {}  # rule id -> its aliases, filled as RuleSets are declared


class RuleSet:
    """One check's rules, validated when its module is imported."""

    def __init__(self, check: str, rules: Iterable[Rule]) -> None:
        self.check = check
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            self._validate(rule)
            self._rules[rule.id] = rule
            if rule.aliases:
                _FORMER_IDS[rule.id] = rule.aliases
        self._families = [rule for rule in self._rules.values() if rule.family]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __contains__(self, rule_id: object) -> bool:
        return isinstance(rule_id, str) and self.find(rule_id) is not None

    def __getitem__(self, rule_id: str) -> Rule:
        rule = self.find(rule_id)
        if rule is None:
            raise KeyError(f"{rule_id!r} is not a declared rule of the {self.check} check")
        return rule

    def find(self, rule_id: str) -> Rule | None:
        exact = self._rules.get(rule_id)
        if exact is not None:
            return exact
        return next((rule for rule in self._families if rule.covers(rule_id)), None)

    def finding(
        self,
        draft: Draft,
        rule_id: str,
        span: Span | None = None,
        *,
        message: str | None = None,
        severity: Severity | None = None,
        suggestions: Iterable[str] | None = None,
        also_cites: Iterable[str] = (),
        cites: Iterable[str] | None = None,
        **details: Any,
    ) -> Finding:
        """A finding of a declared rule on `span` of draft.text (None: the whole draft),
        with the rule's severity, message and suggestions unless this one says better, and
        its criteria (plus `also_cites`, where this case touches one more; `cites` instead
        of them, for a case that names its own: a guide's Vale rule, a guide's risk rule,
        a kind of personal data on a public channel).

        Fills the excerpt, the offsets into submitted HTML and a stable id: a hash of the
        check, rule, span and excerpt, so a gate override can name the finding it overrides."""
        rule = self[rule_id]
        start, end = span if span is not None else (None, None)
        excerpt = draft.text[start:end] if span is not None else ""
        source = draft.to_source(*span) if span is not None else None
        return Finding(
            id=finding_id(self.check, rule_id, start, end, excerpt),
            check=self.check,
            rule=rule_id,
            severity=severity or rule.severity,
            message=message or rule.message,
            start=start,
            end=end,
            excerpt=excerpt,
            suggestions=list(rule.suggestions if suggestions is None else suggestions),
            criteria=list(dict.fromkeys([*(rule.criteria if cites is None else cites), *also_cites])),
            details=details,
            source_start=source[0] if source else None,
            source_end=source[1] if source else None,
        )

    def _validate(self, rule: Rule) -> None:
        where = f"rule {rule.id!r} of the {self.check} check"
        if not _ID.match(rule.id) or rule.check != self.check:
            raise RuleError(f"{where}: an id is '{self.check}.<name>' (or '{self.check}.*' for a family)")
        if rule.id in self._rules:
            raise RuleError(f"{where}: declared twice")
        unknown = sorted(set(rule.criteria) - set(known_criteria()))
        if not rule.criteria or unknown:
            raise RuleError(f"{where}: cite at least one criterion from CRITERIA.md (unknown: {unknown})")
        if not rule.message.strip():
            raise RuleError(f"{where}: no message")
        if not rule.fires:
            raise RuleError(f"{where}: give at least one text that fires it")


def finding_id(check: str, rule: str, start: int | None, end: int | None, excerpt: str) -> str:
    key = "\x1f".join((check, rule, str(start), str(end), excerpt))
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def setting_for(settings: Mapping[str, RuleSetting], rule_id: str) -> RuleSetting | None:
    """The guide's setting for a run-time rule id: its own (or under a former id of the
    rule), else its family's (`grammar.*`)."""
    if rule_id in settings:
        return settings[rule_id]
    for alias in _FORMER_IDS.get(rule_id, ()):
        if alias in settings:
            return settings[alias]
    family = rule_id.split(".", 1)[0] + ".*"
    return settings.get(family)


def apply_settings(findings: Iterable[Finding], settings: Mapping[str, RuleSetting]) -> list[Finding]:
    """The findings under a guide's `rules:`: some turned off, some at another severity
    (new findings: the checks' own are left as they returned them)."""
    if not settings:
        return list(findings)
    kept = []
    for finding in findings:
        setting = setting_for(settings, finding.rule)
        if setting == "off":
            continue
        if setting is not None and setting != finding.severity:
            finding = finding.model_copy(update={"severity": Severity(setting)})
        kept.append(finding)
    return kept


def examples(*cases: str | tuple[str, Mapping[str, Any]]) -> tuple[Example, ...]:
    """Examples written briefly: a text, or (text, context fields)."""
    return tuple(Example(case) if isinstance(case, str) else Example(case[0], case[1]) for case in cases)
