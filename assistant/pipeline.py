"""Runs the checks on one draft: I/O-bound ones on worker threads, started first so
they overlap the spaCy parse and the CPU-bound checks. Each check is timed and given a
status; a failing check never fails the request. Then the verdict."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from spacy.language import Language

from .checks import Check, NotApplicable, Outcome, Unavailable
from .guide import Guide
from .model import CheckRun, CheckStatus, Context, Finding, GuideRef, Report, verdict_for
from .nlp import split_sentences
from .text import Draft

log = logging.getLogger(__name__)
_SEVERITY_ORDER = {"blocker": 0, "warning": 1, "suggestion": 2}


class UnknownGuide(LookupError):
    pass


class UnknownCheck(LookupError):
    pass


class Pipeline:
    def __init__(
        self,
        checks: Sequence[Check],
        nlp: Language,
        guides: dict[str, Guide],
        default_guide: str = "default",
        io_timeout: float = 5.0,
        io_workers: int = 16,
    ) -> None:
        self.checks = list(checks)
        self.nlp = nlp
        self.guides = guides
        self.default_guide = default_guide
        self.io_timeout = io_timeout
        self._executor = ThreadPoolExecutor(max_workers=io_workers, thread_name_prefix="tactful-io")

    @property
    def check_names(self) -> list[str]:
        return [check.name for check in self.checks]

    def guide_for(self, context: Context) -> Guide:
        guide_id = context.guide or self.default_guide
        if guide_id not in self.guides:
            known = ", ".join(sorted(self.guides))
            raise UnknownGuide(f"Unknown style guide; known guides: {known} (or none, for the default).")
        return self.guides[guide_id]

    def selected(self, only: Sequence[str] | None) -> list[Check]:
        if only is None:
            return self.checks
        unknown = sorted(set(only) - set(self.check_names))
        if unknown:
            raise UnknownCheck(f"Unknown check name; available: {', '.join(self.check_names)}.")
        return [check for check in self.checks if check.name in only]

    def run(self, draft: Draft, context: Context, only: Sequence[str] | None = None) -> Report:
        began = time.perf_counter()
        guide = self.guide_for(context)
        context = context.model_copy(update={"locale": context.locale or guide.locale, "guide": guide.id})
        chosen = self.selected(only)
        pending = {
            check.name: self._executor.submit(_timed, check, draft, context, guide)
            for check in chosen
            if check.waits_on_io
        }
        draft.doc = self.nlp(draft.own_text)
        draft.sentences = split_sentences(draft.doc)
        results = {
            check.name: _timed(check, draft, context, guide) for check in chosen if not check.waits_on_io
        }
        for name, future in pending.items():
            results[name] = self._collect(name, future)
        return self._report(draft, guide, results, began)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _collect(self, name: str, future: Future) -> tuple[CheckRun, Outcome]:
        try:  # the check enforces its own time-out; this is the backstop
            return future.result(timeout=self.io_timeout + 1.0)
        except FutureTimeout:
            ms = (self.io_timeout + 1.0) * 1000
            return CheckRun(status=CheckStatus.unavailable, ms=ms, detail=f"{name} did not finish in time"), Outcome()

    def _report(self, draft: Draft, guide: Guide, results: dict, began: float) -> Report:
        runs = {check.name: CheckRun(status=CheckStatus.skipped, detail="not requested") for check in self.checks}
        findings: list[Finding] = []
        metrics: dict = _text_metrics(draft)
        for name, (run, outcome) in results.items():
            runs[name] = run
            findings.extend(outcome.findings)
            if outcome.metrics:
                metrics[name] = outcome.metrics
        findings.sort(key=lambda f: (f.start, f.end, _SEVERITY_ORDER[f.severity.value], f.rule))
        for finding in findings:
            source = draft.to_source(finding.start, finding.end)
            if source:
                finding.source_start, finding.source_end = source
        return Report(
            verdict=verdict_for(findings),
            findings=findings,
            metrics=metrics,
            checks=runs,
            guide=GuideRef(id=guide.id, version=guide.version),
            text=draft.text,
            took_ms=round((time.perf_counter() - began) * 1000, 1),
        )


def _timed(check: Check, draft: Draft, context: Context, guide: Guide) -> tuple[CheckRun, Outcome]:
    began = time.perf_counter()
    outcome, status, detail = Outcome(), CheckStatus.ok, None
    try:
        outcome = check.run(draft, context, guide)
    except Unavailable as exc:
        status, detail = CheckStatus.unavailable, str(exc)
    except NotApplicable as exc:
        status, detail = CheckStatus.skipped, str(exc)
    except Exception as exc:  # a bug in one check must not cost the agent the others
        status, detail = CheckStatus.error, f"{check.name} failed ({type(exc).__name__}); see the service log"
        # The message and locals may quote the draft (PII): log the type and frames only.
        log.error("check %s failed: %s\n%s", check.name, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    ms = round((time.perf_counter() - began) * 1000, 1)
    return CheckRun(status=status, ms=ms, detail=detail), outcome


def _text_metrics(draft: Draft) -> dict:
    words = sum(sentence.words for sentence in draft.sentences)
    return {"words": words, "sentences": len(draft.sentences), "paragraphs": len(draft.paragraphs)}
