"""Runs the checks on one draft: the I/O-bound ones overlap the spaCy parse and the
CPU-bound checks. Each check is timed and given a status; a failing check (or a failing
parse) never fails the request. Then the verdict.

The draft's wait is LanguageTool's answer, so the grammar check keeps the request's own
thread: it sends at once, and its answer wakes the thread that finishes the report. The
CPU checks start on a worker thread the moment its request is on the wire (the two
thread hops this saves, one each side of LanguageTool, cost ~0.4-0.6 ms a cold check on
this 2-core machine, measured); a re-check whose paragraphs are all cached sends nothing
and runs them right here."""

from __future__ import annotations

import copy
import logging
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from . import handoff
from .checks import Check, NotApplicable, Outcome, Unavailable
from .guide import Guide, UnknownGuide
from .model import CheckRun, CheckStatus, Context, Finding, GuideRef, Report, finding_order, verdict_for
from .nlp import disabled_for, split_sentences
from .rules import apply_settings
from .text import Draft

log = logging.getLogger(__name__)
Result = tuple[CheckRun, Outcome]
# Longest the parse waits for I/O checks to send their requests (they take ~0.5 ms).
HANDOFF_WAIT = 0.005


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
        self._skip: dict[frozenset[str], list[str]] = {}
        self._running = 0  # drafts being checked now (handoff.alone)
        self._running_lock = threading.Lock()

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
        with self._running_lock:
            self._running += 1
            alone = self._running == 1
        try:
            return self._run(draft, context, only, alone)
        finally:
            with self._running_lock:
                self._running -= 1

    def _run(self, draft: Draft, context: Context, only: Sequence[str] | None, alone: bool) -> Report:
        began = time.perf_counter()
        guide = self.guide_for(context)
        context = context.model_copy(update={"locale": context.locale or guide.locale, "guide": guide.id})
        chosen = self.selected(only)
        here = next((check for check in chosen if check.waits_on_io and check.times_itself), None)
        pending = {
            check.name: self._submit(check, draft, context, guide.sections[check.name], alone)
            for check in chosen
            if check.waits_on_io and check is not here
        }
        for job in pending.values():  # see handoff.py: let them send before the parse takes the lock
            job.waiting.wait(HANDOFF_WAIT)

        def cpu_checks() -> tuple[Draft, dict[str, Result]]:
            return self._cpu_checks(draft, chosen, context, guide)

        if here is None:
            parsed, results = cpu_checks()
        else:
            (parsed, results), result = self._beside(here, draft, context, guide.sections[here.name], cpu_checks, alone)
            results[here.name] = result
        for name, job in pending.items():
            results[name] = self._collect(name, job)
        return self._report(parsed, guide, results, began)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _beside(
        self,
        check: Check,
        draft: Draft,
        context: Context,
        options: Any,
        cpu_checks: Callable[[], tuple[Draft, dict[str, Result]]],
        alone: bool,
    ) -> tuple[tuple[Draft, dict[str, Result]], Result]:
        """`check` on this thread, and the CPU checks on a worker thread from the moment it
        has sent its request (handoff.py); on this thread after it if it sent none, or if
        no worker had picked them up by then (all busy)."""
        started: Future[tuple[Draft, dict[str, Result]]] | None = None

        def start() -> None:
            nonlocal started
            if started is None:  # a long draft sends several requests
                started = self._executor.submit(cpu_checks)

        with handoff.on_sent(start, alone):
            result = _timed(check, draft, context, options)
        if started is None or started.cancel():
            return cpu_checks(), result
        return started.result(), result

    def _cpu_checks(
        self, draft: Draft, chosen: list[Check], context: Context, guide: Guide
    ) -> tuple[Draft, dict[str, Result]]:
        """The parsed draft and the results of the checks that do not wait on I/O."""
        parsed, parse_failed = self._analyse(draft, chosen)
        results: dict[str, Result] = {}
        for check in chosen:
            if check.waits_on_io:
                continue
            if parse_failed and check.spacy_pipes:
                results[check.name] = parse_failed, Outcome()
            else:
                results[check.name] = _timed(check, parsed, context, guide.sections[check.name])
        return parsed, results

    def _analyse(self, draft: Draft, chosen: list[Check]) -> tuple[Draft, CheckRun | None]:
        """The draft with one spaCy Doc of its whole text, running only the pipes the chosen
        checks read, and its sentences (the agent's own): a new Draft, so the I/O checks
        still reading the first one see it unchanged. A failed parse fails only the checks
        that read it."""
        pipes = frozenset().union(*(check.spacy_pipes for check in chosen))
        try:
            doc = self.nlp(draft.text, disable=self._skippable(pipes))
            sentences = split_sentences(doc, draft.protected)
            own = [s for s in sentences if not draft.own_text[s.start : s.end].isspace()]
        except Exception as exc:  # spaCy on hostile input: degrade, never a 500
            _log_failure("text analysis", exc)
            return draft, CheckRun(status=CheckStatus.error, detail="Text analysis failed (see the service log).")
        parsed = copy.copy(draft)  # keeps what the I/O checks already worked out (paragraphs...)
        parsed.doc, parsed.sentences = doc, own
        return parsed, None

    def _skippable(self, pipes: frozenset[str]) -> list[str]:
        if pipes not in self._skip:  # a handful of combinations: cached for good
            self._skip[pipes] = disabled_for(self.nlp, pipes)
        return self._skip[pipes]

    def _submit(self, check: Check, draft: Draft, context: Context, options: Any, alone: bool) -> _Job:
        job = _Job()

        def work() -> Result:
            job.started = time.monotonic()
            try:
                with handoff.on_sent(job.waiting.set, alone):
                    return _timed(check, draft, context, options)
            finally:
                job.waiting.set()

        job.future = self._executor.submit(work)
        return job

    def _collect(self, name: str, job: _Job) -> Result:
        """The check's result. It enforces its own time-out; this is the backstop, counted
        from when the check started running, not from when it was queued."""
        budget = self.io_timeout + 1.0
        try:
            return job.future.result(timeout=budget)
        except FutureTimeout:
            pass
        if job.future.cancel():  # still queued behind other drafts' checks: it never ran
            detail = f"The service is busy: {name} could not start within {budget:g} s."
            return CheckRun(status=CheckStatus.unavailable, ms=0.0, detail=detail), Outcome()
        started = job.started or time.monotonic()
        try:
            return job.future.result(timeout=max(0.0, started + budget - time.monotonic()))
        except FutureTimeout:  # abandoned: the worker is freed when the check's own I/O times out
            ms = round((time.monotonic() - started) * 1000, 1)
            return CheckRun(status=CheckStatus.unavailable, ms=ms, detail=f"{name} did not finish in time"), Outcome()

    def _report(self, draft: Draft, guide: Guide, results: dict[str, Result], began: float) -> Report:
        runs = {check.name: CheckRun(status=CheckStatus.skipped, detail="not requested") for check in self.checks}
        findings: list[Finding] = []
        metrics: dict = _text_metrics(draft)
        for name, (run, outcome) in results.items():
            runs[name] = run
            findings.extend(outcome.findings)
            if outcome.metrics:
                metrics[name] = outcome.metrics
        findings = apply_settings(drop_duplicates(findings), guide.rules)
        findings.sort(key=finding_order)
        return Report(
            verdict=verdict_for(findings),
            findings=findings,
            metrics=metrics,
            checks=runs,
            guide=GuideRef(id=guide.id, version=guide.version),
            text=draft.text,
            took_ms=round((time.perf_counter() - began) * 1000, 1),
        )


# Which check's finding wins where two are about the same words: the style one (the
# organisation's own rule, the more specific) over the grammar one.
OUTRANKS: dict[str, str] = {"grammar": "style"}  # loser check -> winner check


def drop_duplicates(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: where a finding of a check outranked by another (OUTRANKS)
    is about the same words as one of that other, the winner stays, with the loser's rule
    named in its details (`grammar_rule`). A winner on a whole sentence or paragraph (too long) is another
    problem and hides nothing inside it. Returns new findings; the checks' are not changed."""
    winners = {f.id: f for f in findings if f.check in OUTRANKS.values() and f.start is not None}
    if not winners:
        return findings
    beaten: dict[str, dict[str, str]] = {}  # winner id -> "<loser check>_rule" -> the first rule it hides
    kept = []
    for finding in findings:
        if finding.check in OUTRANKS and finding.start is not None and finding.end is not None:
            start, end, wins = finding.start, finding.end, OUTRANKS[finding.check]
            winner = next((w for w in winners.values() if w.check == wins and _same_words(w, start, end)), None)
            if winner is not None:
                beaten.setdefault(winner.id, {}).setdefault(f"{finding.check}_rule", finding.rule)
                continue
        kept.append(finding)
    return [_naming(f, beaten[f.id]) if f.id in beaten else f for f in kept]


def _naming(winner: Finding, hidden: dict[str, str]) -> Finding:
    return winner.model_copy(update={"details": hidden | winner.details})


def _same_words(styled: Finding, start: int, end: int) -> bool:
    """The style finding overlaps [start, end) and is not much longer (a few words)."""
    if styled.start is None or styled.end is None:
        return False
    overlaps = styled.start < end and start < styled.end
    return overlaps and styled.end - styled.start <= 3 * (end - start) + SAME_WORDS_SLACK


SAME_WORDS_SLACK = 10  # characters


@dataclass
class _Job:
    """An I/O check on a worker thread, and when it started running."""

    future: Future[Result] = field(default_factory=Future)
    started: float | None = None
    waiting: threading.Event = field(default_factory=threading.Event)  # its request sent, or it is done


def _timed(check: Check, draft: Draft, context: Context, options: Any) -> Result:
    began = time.perf_counter()
    outcome, status, detail = Outcome(), CheckStatus.ok, None
    try:
        outcome = check.run(draft, context, options)
    except Unavailable as exc:
        status, detail = CheckStatus.unavailable, str(exc)
    except NotApplicable as exc:
        status, detail = CheckStatus.skipped, str(exc)
    except Exception as exc:  # a bug in one check must not cost the agent the others
        status, detail = CheckStatus.error, f"{check.name} failed ({type(exc).__name__}); see the service log"
        _log_failure(f"check {check.name}", exc)
    ms = round((time.perf_counter() - began) * 1000, 1)
    return CheckRun(status=status, ms=ms, detail=detail), outcome


def _log_failure(what: str, exc: Exception) -> None:
    # The message and locals may quote the draft (PII): log the type and frames only.
    log.error("%s failed: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))


def _text_metrics(draft: Draft) -> dict:
    words = sum(sentence.words for sentence in draft.sentences)
    return {"words": words, "sentences": len(draft.sentences), "paragraphs": len(draft.paragraphs)}
