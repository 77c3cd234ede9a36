"""The pre-send gate: the reply checked once more just before it goes out, by exactly the
pipeline of `/v1/check`, and recorded — committed before it is answered, so nothing
acknowledged is ever lost.

- `allowed` is false on a `block` verdict, and when a check is unavailable and the
  guide's `gate.on_unavailable` is `block`; a blocked send goes out only after an
  override that names every blocker and gives a reason.
- An allowed answer counts as sent (`sent_at`); the host may confirm it afterwards with
  its message id, and a confirmation with a text other than the one gated is refused.
- An `Idempotency-Key` makes a retry one record with the same answer (the record as
  stored); the same key with another body is refused.
- What is stored follows the guide: the text masked (default) or in full, the findings
  in its offsets, the context without the customer's details; keyed hashes of those
  details let an erasure find the record later."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .checking import check_draft
from .guide import Guide
from .masking import masked, personal_spans
from .model import CheckStatus, Context, Report, Severity, Verdict
from .pipeline import Pipeline
from .policy import GateOptions
from .privacy.engine import PrivacyEngine
from .store import FindingRef, NewSend, Principal, Role, SendRecord, Store
from .subjects import Subjects, region_of
from .text import Format


class IdempotencyMismatch(ValueError):
    """The Idempotency-Key was used before with another request."""


@dataclass(frozen=True)
class SendRequest:
    text: str
    format: Format
    context: Context
    idempotency_key: str | None = None

    def digest(self) -> str:
        body = {"text": self.text, "format": self.format, "context": self.context.model_dump(mode="json")}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class GateAnswer:
    record: SendRecord
    report: Report | dict[str, Any]  # the live report; the stored one on a replay
    created: bool


class Gate:
    def __init__(
        self, pipeline: Pipeline, store: Store, subjects: Subjects, privacy: PrivacyEngine, *, max_chars: int
    ) -> None:
        self.pipeline, self.store, self.subjects, self.max_chars = pipeline, store, subjects, max_chars
        self.privacy = privacy  # the confidentiality check's engine: a record is masked as the check found

    def send(self, principal: Principal, request: SendRequest) -> GateAnswer:
        digest = request.digest()
        if request.idempotency_key is not None:
            earlier = self.store.sends.by_idempotency_key(principal.organisation, request.idempotency_key)
            if earlier is not None:
                return self._replay(earlier, digest)
        report = check_draft(self.pipeline, request.text, request.context, fmt=request.format, max_chars=self.max_chars)
        new = self._new_send(principal, request, report, digest)
        record, created = self.store.sends.record(new)
        if not created:  # a retry raced this attempt and was stored first
            return self._replay(record, digest)
        return GateAnswer(record, report, created=True)

    def imported_send(
        self, organisation: str, request: SendRequest, report: Report, sent_at: datetime | None
    ) -> NewSend:
        """A reply from a helpdesk's history, checked by a bulk audit, as the gate stores a
        send (masked as its guide says), with source `import` and the time it was sent; the
        audit writes it (`store.imports`), keyed by `request.idempotency_key`."""
        principal = Principal(organisation, Role.agent, key_id="import")
        new = self._new_send(principal, request, report, request.digest())
        return dataclasses.replace(new, source="import", created_at=sent_at)

    def override(
        self, principal: Principal, send_id: str, reason: str, finding_ids: Sequence[str], agent: dict[str, Any]
    ) -> SendRecord | None:
        return self.store.sends.override(
            principal.organisation,
            send_id,
            reason=reason,
            finding_ids=finding_ids,
            by_key_id=principal.key_id,
            by_agent=agent,
        )

    def confirm(
        self, principal: Principal, send_id: str, text: str | None, message_id: str | None
    ) -> SendRecord | None:
        digest = _sha256(text) if text is not None else None
        return self.store.sends.confirm(principal.organisation, send_id, text_sha256=digest, message_id=message_id)

    def erase(self, principal: Principal, identifier: str, locale: str | None = None) -> tuple[str, int]:
        """Anonymise every record of the caller's organisation naming this customer."""
        identifier = identifier.strip()
        hashes = self.subjects.of([identifier], region_of(locale))
        needles = [identifier] if len(identifier) >= 3 else []
        return self.store.sends.erase(
            principal.organisation,
            hashes,
            needles,
            identifier_hash=self.subjects.identifier_hash(identifier),
            by_key_id=principal.key_id,
        )

    def purge(self, now: datetime | None = None) -> dict[str, int]:
        return purge_expired(self.store, self.pipeline.guides, now)

    def _replay(self, record: SendRecord, digest: str) -> GateAnswer:
        if record.request_hash != digest:
            raise IdempotencyMismatch(
                "Idempotency-Key: this key was used for a different request; use a new key for a new send."
            )
        return GateAnswer(record, record.report, created=False)

    def _new_send(self, principal: Principal, request: SendRequest, report: Report, digest: str) -> NewSend:
        guide = self.pipeline.guides[report.guide.id]
        options = guide.section("gate", GateOptions)
        context = request.context
        unavailable = [name for name, run in report.checks.items() if run.status == CheckStatus.unavailable]
        allowed = report.verdict != Verdict.block and not (unavailable and options.on_unavailable == "block")
        stored = report
        if options.store_text == "masked":
            stored = masked(report, personal_spans(report, context.customer, self.privacy.masked))
        sla = report.metrics.get("sla") or {}
        return NewSend(
            organisation=principal.organisation,
            request_hash=digest,
            idempotency_key=request.idempotency_key,
            channel=context.channel.value,
            guide_id=report.guide.id,
            guide_version=report.guide.version,
            verdict=report.verdict.value,
            allowed=allowed,
            text=stored.text,
            text_stored=options.store_text,
            text_sha256=_sha256(request.text),
            report=stored.model_dump(mode="json"),
            context=_recorded_context(context),
            findings=[FindingRef(f.id, f.check, f.rule, f.severity.value) for f in report.findings],
            blockers=[f.id for f in report.findings if f.severity == Severity.blocker],
            unavailable=unavailable,
            subjects=self.subjects.of_send(context.customer, report, region_of(context.locale or guide.locale)),
            agent_id=context.agent.id,
            agent_name=context.agent.name,
            team=context.agent.team,
            ticket_id=context.ticket.id,
            sla_state=sla.get("state"),
        )


def purge_expired(store: Store, guides: Mapping[str, Guide], now: datetime | None = None) -> dict[str, int]:
    """Drop stored text past each guide's retention; purged records by guide."""
    now = now or datetime.now(UTC)
    purged = {}
    for guide_id, guide in guides.items():
        options = guide.section("gate", GateOptions)
        if options.retention_days is not None:
            purged[guide_id] = store.sends.purge(guide_id, now - timedelta(days=options.retention_days))
    return purged


def _recorded_context(context: Context) -> dict[str, Any]:
    """The context as recorded: where and for whom in general, never the customer's
    details, the thread's words or file names (personal data)."""
    kept = context.model_dump(mode="json", exclude={"customer", "thread", "attachments"})
    kept["thread_messages"] = len(context.thread)
    kept["attachments"] = None if context.attachments is None else len(context.attachments)
    return kept


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
