"""House style: the guide's Vale-format rules (its own `rules/*.yaml` and any Vale packages
it includes), British or American spelling by locale, brand names and preferred terms.

Rules run on the agent's own text only: quoted history and the signature are blanked
(draft.own_text) and links, email addresses and reference codes are masked, so no rule
fires on them. Offsets stay those of draft.text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator

from ..guide import GuideError, Section
from ..model import Channel, Context, Finding, Severity
from ..resources import Resources
from ..rules import Rule as DeclaredRule
from ..rules import RuleSet, examples
from ..style.engine import Document, Hit, run_rules
from ..style.formats import format_alerts
from ..style.loading import read_package, read_rules_folder
from ..style.pos import Tagger
from ..style.rules import AnyRule, Level, Rule, Substitution, Token
from ..style.spelling import spelling_rule, variant_for
from ..text import Draft
from .base import Check, Outcome

SEVERITY: dict[str, Severity] = {
    "error": Severity.blocker,
    "warning": Severity.warning,
    "suggestion": Severity.suggestion,
}
MASK = "*"  # what links and codes become: not words, not spaces (a space would join the words around them)
CRITERIA = ("DEAL.P12",)  # written format, style and tone: what a guide's rule cites unless it names its own
_PARAGRAPH = " ".join(["We have checked your account and the refund is on its way."] * 6)  # 72 words
RULES = RuleSet(
    "style",
    [
        DeclaredRule(
            "style.Spelling",
            # On bench/real right 0 times, wrong 2 (held-out, en-US: "cancelling", "cancelled",
            # which American dictionaries list too: no longer flagged there); no other warning.
            Severity.warning,
            "Use the spelling of the request's locale (British or American).",
            ("DEAL.P12", "DEAL.K8"),
            fires=examples("Hi Sam,\n\nI will organize a refund and apologize for the color mix-up.\n\nPriya"),
            passes=examples("I apologise: we will organise the refund and the colour of the centre is grey."),
            aliases=("style.style.Spelling",),
        ),
        DeclaredRule(
            "style.Brands",
            Severity.warning,
            "Write a brand name (the guide's `brands`) as the brand does.",
            ("DEAL.K8", "DEAL.P20"),
            fires=examples("You can message us on Whatsapp or pay by Pay pal."),
            passes=examples("You can message us on WhatsApp or pay by PayPal."),
            aliases=("style.style.Brands",),
        ),
        DeclaredRule(
            "style.Terms",
            # A suggestion: on bench/real right 0 times, wrong 1 ("e-mail" in a company's reply:
            # the default guide's preference, no failing a customer notices). A guide that holds
            # its terms to more raises them (`levels: {style.Terms: warning}`).
            Severity.suggestion,
            "Use the guide's preferred term (its `terms`).",
            ("DEAL.P12", "DEAL.K8"),
            fires=examples("Please E-mail us the meter reading."),
            passes=examples("Please email us the meter reading."),
            aliases=("style.style.Terms",),
        ),
        DeclaredRule(
            "style.ParagraphLength",
            Severity.suggestion,
            "This paragraph is long for the channel (the guide's `paragraph_words`): split it.",
            ("DEAL.K16", "DEAL.K23"),
            fires=examples((_PARAGRAPH, {"channel": "chat"})),
            passes=examples((_PARAGRAPH, {"channel": "email"})),
            aliases=("style.style.ParagraphLength",),
        ),
        DeclaredRule(
            "style.Formats",
            Severity.suggestion,
            "Write dates, numbers, times and money in the locale's form.",
            ("DEAL.P12", "DEAL.K8"),
            fires=examples(("We will call on 11/25/2026 at 10am.", {"locale": "en-GB"})),
            passes=examples(("We will call on 25 November 2026 at 10am.", {"locale": "en-GB"})),
            aliases=("style.style.Formats",),
        ),
        DeclaredRule(
            "style.*",  # style.<package or guide>.<rule>: a guide's Vale-format rule, with its own level and message
            Severity.warning,
            "A house-style rule of the guide found something to change.",
            CRITERIA,
            fires=examples(
                "We have looked into the account and we can see that the payment you made on Monday was taken "
                "twice because of a fault in our payment system which has now been fixed by our technical team "
                "so you will get it back."
            ),
            passes=examples("We have looked into your account. The payment was taken twice, and we will refund it."),
        ),
    ],
)


class StyleOptions(Section):
    """The guide's `style:` section. `rules` is filled at load from the guide folder's
    `rules/*.yaml` (named `<guide>.<file stem>`) and from the Vale packages in `packages`."""

    rules: dict[str, AnyRule] = Field(default_factory=dict, description="rule name -> Vale-format rule")
    packages: list[str] = Field(
        default_factory=list, description="Vale style package folders to include, relative to the guide folder"
    )
    disabled: list[str] = Field(default_factory=list, description="rule names to switch off (inherited ones too)")
    levels: dict[str, Level] = Field(
        default_factory=dict, description="rule name -> level that replaces the rule's own"
    )
    spelling: Literal["locale", "british", "american", "off"] = Field(
        "locale", description="which spelling to hold replies to; `locale` follows the request's locale"
    )
    brands: list[str] = Field(default_factory=list, description="brand and product names, as they must be written")
    terms: dict[str, list[str]] = Field(
        default_factory=dict, description="preferred term -> words to replace with it (case-insensitive)"
    )
    paragraph_words: dict[Channel, int] = Field(
        default_factory=dict, description="channel -> most words a paragraph may have (sentences: readability)"
    )
    formats: bool = Field(True, description="dates, numbers, times and money in the locale's form (babel)")

    _generated: dict[str, Rule] = PrivateAttr(default_factory=dict)

    @classmethod
    def prepare(cls, data: dict[str, Any], folder: Path) -> dict[str, Any]:
        """Fill `rules` from the guide folder's rules/ and its packages (file:line errors)."""
        rules: dict[str, Any] = {}
        errors: list[str] = []
        for package in data.get("packages") or []:
            found, problems = read_package((folder / str(package)).resolve())
            rules.update(found)
            errors.extend(problems)
        if (folder / "rules").is_dir():
            found, problems = read_rules_folder(folder / "rules", folder.name)
            rules.update(found)
            errors.extend(problems)
        if errors:
            raise GuideError("\n".join(errors))
        data = dict(data)
        data["rules"] = rules | dict(data.get("rules") or {})
        data.pop("packages", None)
        return data

    @model_validator(mode="after")
    def _build(self) -> StyleOptions:
        generated: dict[str, Rule] = {}
        if self.brands:
            generated["style.Brands"] = Substitution(
                extends="substitution",
                message="Write '%s' as the brand does, not '%s'.",
                level="warning",
                ignorecase=True,
                swap={_brand_pattern(b): b for b in self.brands},
                criteria=["DEAL.K8", "DEAL.P20"],
            )
        if self.terms:
            swap = {
                "|".join(re.escape(w) for w in words): preferred for preferred, words in self.terms.items() if words
            }
            generated["style.Terms"] = Substitution(
                extends="substitution",
                message="Use '%s' instead of '%s'.",
                level="suggestion",
                ignorecase=True,
                nonword=True,
                swap={rf"\b(?:{k})\b": v for k, v in swap.items()},
                criteria=["DEAL.P12", "DEAL.K8"],
            )
        self._generated = generated
        return self

    def active(self, locale: str) -> dict[str, Rule]:
        """The rules that run for a request in `locale`, by name."""
        rules: dict[str, Rule] = {name: rule for name, rule in self.rules.items() if name not in self.disabled}
        rules.update({name: rule for name, rule in self._generated.items() if name not in self.disabled})
        fixed = None if self.spelling == "off" else self.spelling
        variant = variant_for(locale) if self.spelling == "locale" else fixed
        if variant and "style.Spelling" not in self.disabled:
            rules["style.Spelling"] = spelling_rule(variant)
        return rules


def _brand_pattern(brand: str) -> str:
    """The brand however it is cased, spaced or hyphenated: 'Pay Pal', 'paypal', 'Pay-pal'."""
    parts = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])|\S", brand)
    return r"[\s-]?".join(re.escape(p) for p in parts)


class StyleCheck(Check):
    name = "style"
    spacy_pipes = frozenset({"sentencizer"})  # reads draft.sentences and draft.paragraphs
    Options = StyleOptions
    rules = RULES

    def __init__(self, tagger: Tagger | None = None) -> None:
        self.tagger = tagger  # None: a rule limited by `pos:` stays quiet

    @classmethod
    def build(cls, resources: Resources) -> StyleCheck:
        return cls(resources.tagger)

    def run(self, draft: Draft, context: Context, options: StyleOptions) -> Outcome:
        rules = options.active(context.locale or "en-GB")
        doc = self.document(draft, self.tagger)
        findings = []
        for hit in run_rules(rules, doc):
            findings.append(self.finding(draft, hit, options))
        limit = options.paragraph_words.get(context.channel)
        if limit and "style.ParagraphLength" not in options.disabled:
            for start, chunk in draft.paragraphs:
                words = len(chunk.split())
                if words > limit:
                    findings.append(
                        RULES.finding(
                            draft,
                            "style.ParagraphLength",
                            (start, start + len(chunk)),
                            message=f"This paragraph has {words} words; on {context.channel.value} keep to {limit} or "
                            "fewer: split it.",
                            words=words,
                            limit=limit,
                        )
                    )
        if options.formats and "style.Formats" not in options.disabled:
            for alert in format_alerts(doc.text, context.locale or "en-GB"):
                findings.append(
                    RULES.finding(
                        draft,
                        "style.Formats",
                        (alert.start, alert.end),
                        message=alert.message,
                        suggestions=alert.suggestions,
                        vale_rule="style.Formats",
                    )
                )
        return Outcome(findings=_one_per_span(findings), metrics={"rules": len(rules)})

    @staticmethod
    def document(draft: Draft, tagger: Tagger | None = None) -> Document:
        chars = list(draft.own_text)
        for start, end in draft.protected:
            chars[start:end] = MASK * (end - start)
        text = "".join(chars)
        spans = [(s, e) for s, e in draft.own_spans if text[s:e].strip()]
        return Document(
            text=text,
            blocks={
                "text": spans,
                "sentence": [(s.start, s.end) for s in draft.sentences],
                "paragraph": [(start, start + len(chunk)) for start, chunk in draft.paragraphs],
                "heading": [],
            },
            tokens=_tokens(draft),
            tagger=tagger,
        )

    @staticmethod
    def finding(draft: Draft, hit: Hit, options: StyleOptions) -> Finding:
        rule = hit.rule
        level = options.levels.get(hit.name, rule.level)
        span = (hit.start, hit.end) if hit.end > hit.start else None
        details: dict[str, Any] = {"vale_rule": hit.name, "level": level}
        if rule.link:
            details["link"] = rule.link
        return RULES.finding(
            draft,
            rule_id(hit.name),
            span,
            message=hit.alert.message,
            severity=SEVERITY[level],
            suggestions=hit.alert.suggestions,
            cites=rule.criteria or None,
            **details,
        )


def rule_id(name: str) -> str:
    """A finding's rule id for a Vale rule name: `style.<package>.<rule>`; the check's own
    rules (named `style.Spelling`, ...) are not prefixed twice."""
    return name if name.startswith("style.") else f"style.{name}"


_RANK = {Severity.blocker: 0, Severity.warning: 1, Severity.suggestion: 2}


def _one_per_span(findings: list[Any]) -> list[Any]:
    """Two rules on exactly the same words ("MPAN": jargon, and an unexplained acronym)
    make one finding: the more severe, then the one with a replacement; the other rules
    are named in its details."""
    best: dict[tuple[int | None, int | None], Any] = {}
    order = []
    for finding in findings:
        key = (finding.start, finding.end)
        if finding.start is None:
            order.append(finding)
            continue
        held = best.get(key)
        if held is None:
            best[key] = finding
            order.append(key)
            continue
        if (_RANK[finding.severity], not finding.suggestions) < (_RANK[held.severity], not held.suggestions):
            finding.details.setdefault("also", []).append(held.rule)
            best[key] = finding
        else:
            held.details.setdefault("also", []).append(finding.rule)
    return [best[item] if isinstance(item, tuple) else item for item in order]


def _tokens(draft: Draft) -> Any:
    """A sentence's words with their Penn tags, when the Doc was tagged (another check asked
    for the tagger); otherwise sequence rules have nothing to match and stay quiet."""
    doc = draft.doc
    if doc is None or not doc.has_annotation("TAG"):
        return None

    def tokens(span: tuple[int, int]) -> list[Token]:
        start, end = span
        return [Token(t.text, t.tag_, t.idx, t.idx + len(t.text)) for t in doc if start <= t.idx < end]

    return tokens
