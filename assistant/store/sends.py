"""The record of every gated send: written once, committed before it is answered, then
changed only by an override, a confirmation, a purge or an erasure. Every method takes
the organisation and every query is scoped to it: another organisation's send is
exactly as absent as one that never existed."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .database import Database
from .schema import ErasureRow, OverrideRow, SendFindingRow, SendRow, SubjectRow

GONE = ("purged", "erased")  # text_stored once the text is no longer kept


@dataclass(frozen=True)
class FindingRef:
    id: str
    check: str
    rule: str
    severity: str


@dataclass(frozen=True)
class Override:
    reason: str
    findings: list[str]
    by_key_id: str
    by_agent: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class NewSend:
    """What the gate records of one attempt."""

    organisation: str
    request_hash: str
    channel: str
    guide_id: str
    guide_version: str
    verdict: str
    allowed: bool
    text: str
    text_stored: str
    text_sha256: str
    report: dict[str, Any]
    context: dict[str, Any]
    findings: list[FindingRef]
    blockers: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)  # keyed hashes of the customer's identifiers
    idempotency_key: str | None = None
    source: str = "gate"
    agent_id: str | None = None
    agent_name: str | None = None
    team: str | None = None
    ticket_id: str | None = None
    sla_state: str | None = None
    created_at: datetime | None = None  # now, unless imported from history


@dataclass(frozen=True)
class SendRecord:
    id: str
    organisation: str
    source: str
    created_at: datetime
    status: str
    allowed: bool
    verdict: str
    channel: str
    agent: dict[str, Any]
    ticket_id: str | None
    guide_id: str
    guide_version: str
    sla_state: str | None
    text: str | None
    text_stored: str
    text_sha256: str
    report: dict[str, Any]
    context: dict[str, Any]
    blockers: list[str]
    unavailable: list[str]
    request_hash: str
    idempotency_key: str | None
    sent_at: datetime | None
    confirmed_at: datetime | None
    message_id: str | None
    override: Override | None


class SendConflict(ValueError):
    """An override or confirmation that does not fit the send's state (HTTP 409)."""


class OverrideRefused(ValueError):
    """An override that leaves a blocker unnamed or names a finding the send lacks (422);
    `missing`/`unknown` hold finding ids, never text."""

    def __init__(self, message: str, missing: Sequence[str] = (), unknown: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing, self.unknown = list(missing), list(unknown)


def new_send_id(now: float | None = None) -> str:
    """Time-ordered (milliseconds, then randomness), so ids sort as sends were made."""
    millis = int((time.time() if now is None else now) * 1000)
    return f"snd_{millis:012x}{secrets.token_hex(8)}"


class Sends:
    def __init__(self, db: Database) -> None:
        self.db = db

    def by_idempotency_key(self, organisation: str, key: str) -> SendRecord | None:
        with self.db.transaction(write=False) as session:
            row = session.scalars(
                select(SendRow).where(SendRow.organisation_id == organisation, SendRow.idempotency_key == key)
            ).first()
            return _record(session, row) if row else None

    def record(self, new: NewSend) -> tuple[SendRecord, bool]:
        """Store `new` and commit; (the record, True). With an idempotency key already
        used by the organisation (a retry racing the first attempt), the stored record
        and False: one key, one record."""
        row = send_row(new)
        try:
            with self.db.transaction() as session:
                session.add(row)
                session.flush()  # the send row first: the rows below refer to it
                session.add_all(dependent_rows(row.id, new))
                session.flush()
                record = _record(session, row)
        except IntegrityError:
            if new.idempotency_key is None:
                raise
            existing = self.by_idempotency_key(new.organisation, new.idempotency_key)
            if existing is None:
                raise
            return existing, False
        return record, True

    def get(self, organisation: str, send_id: str) -> SendRecord | None:
        with self.db.transaction(write=False) as session:
            row = _row(session, organisation, send_id)
            return _record(session, row) if row else None

    def override(
        self,
        organisation: str,
        send_id: str,
        *,
        reason: str,
        finding_ids: Sequence[str],
        by_key_id: str,
        by_agent: dict[str, Any],
    ) -> SendRecord | None:
        """Let a blocked send through: every blocker must be named. None if no such send."""
        with self.db.transaction() as session:
            row = _row(session, organisation, send_id)
            if row is None:
                return None
            if row.status != "blocked":
                raise SendConflict(f"This send is {row.status}, not blocked: there is nothing to override.")
            named = list(dict.fromkeys(finding_ids))
            known = set(session.scalars(select(SendFindingRow.finding_id).where(SendFindingRow.send_id == row.id)))
            unknown = [f for f in named if f not in known]
            if unknown:  # name the send's findings, not what was sent (errors echo no input)
                raise OverrideRefused(
                    f"findings: {len(unknown)} of the ids are not findings of this send; its findings are",
                    unknown=sorted(known),
                )
            missing = [f for f in row.blockers if f not in named]
            if missing:
                raise OverrideRefused("findings: an override must name every blocker of the send", missing=missing)
            now = datetime.now(UTC)
            session.add(
                OverrideRow(
                    send_id=row.id,
                    organisation_id=organisation,
                    reason=reason,
                    finding_ids=named,
                    by_key_id=by_key_id,
                    by_agent=by_agent,
                    created_at=now,
                )
            )
            session.execute(
                update(SendFindingRow)
                .where(SendFindingRow.send_id == row.id, SendFindingRow.finding_id.in_(named))
                .values(overridden=True)
            )
            row.status, row.allowed, row.sent_at = "overridden", True, now
            session.flush()
            return _record(session, row)

    def confirm(
        self, organisation: str, send_id: str, *, text_sha256: str | None, message_id: str | None
    ) -> SendRecord | None:
        """The host says the reply went out (with its message id). None if no such send."""
        with self.db.transaction() as session:
            row = _row(session, organisation, send_id)
            if row is None:
                return None
            if not row.allowed:
                raise SendConflict("This send was blocked and not overridden: it may not go out.")
            if text_sha256 is not None and text_sha256 != row.text_sha256:
                raise SendConflict("The text differs from the one the gate checked: send it through the gate again.")
            row.confirmed_at = row.confirmed_at or datetime.now(UTC)
            row.message_id = message_id or row.message_id
            session.flush()
            return _record(session, row)

    def erase(
        self,
        organisation: str,
        subjects: Sequence[str],
        needles: Sequence[str],
        *,
        identifier_hash: str,
        by_key_id: str,
    ) -> tuple[str, int]:
        """Anonymise every send of `organisation` linked to one of `subjects` (keyed hashes)
        or whose stored text or override reason holds one of `needles`; leave an audit
        entry holding only `identifier_hash`. (erasure id, records changed)."""
        with self.db.transaction() as session:
            linked = select(SubjectRow.send_id).where(
                SubjectRow.organisation_id == organisation, SubjectRow.subject_hash.in_(list(subjects))
            )
            mentions = [SendRow.text.ilike(f"%{_like(n)}%", escape="\\") for n in needles]
            ids = set(
                session.scalars(
                    select(SendRow.id).where(
                        SendRow.organisation_id == organisation, or_(SendRow.id.in_(linked), *mentions)
                    )
                )
            )
            reasons = [OverrideRow.reason.ilike(f"%{_like(n)}%", escape="\\") for n in needles]
            if reasons:
                ids |= set(
                    session.scalars(
                        select(OverrideRow.send_id).where(OverrideRow.organisation_id == organisation, or_(*reasons))
                    )
                )
            for row in session.scalars(select(SendRow).where(SendRow.id.in_(ids))):
                _scrub(row, "erased")
            for override in session.scalars(select(OverrideRow).where(OverrideRow.send_id.in_(ids))):
                override.reason = "[erased at a data-protection request]"
            session.execute(delete(SubjectRow).where(SubjectRow.send_id.in_(ids)))
            erasure_id = "era_" + secrets.token_hex(8)
            session.add(
                ErasureRow(
                    id=erasure_id,
                    organisation_id=organisation,
                    identifier_hash=identifier_hash,
                    records=len(ids),
                    by_key_id=by_key_id,
                    created_at=datetime.now(UTC),
                )
            )
            return erasure_id, len(ids)

    def purge(self, guide_id: str, before: datetime) -> int:
        """Drop the stored text of every send checked against `guide_id` before `before`
        (the record of what was found stays); how many were purged."""
        with self.db.transaction() as session:
            rows = session.scalars(
                select(SendRow).where(
                    SendRow.guide_id == guide_id, SendRow.created_at < before, SendRow.text_stored.not_in(GONE)
                )
            ).all()
            for row in rows:
                _scrub(row, "purged")
            return len(rows)


def send_row(new: NewSend) -> SendRow:
    created = new.created_at or datetime.now(UTC)
    return SendRow(
        id=new_send_id(created.timestamp()),
        organisation_id=new.organisation,
        source=new.source,
        idempotency_key=new.idempotency_key,
        request_hash=new.request_hash,
        created_at=created,
        channel=new.channel,
        agent_id=new.agent_id,
        agent_name=new.agent_name,
        team=new.team,
        ticket_id=new.ticket_id,
        guide_id=new.guide_id,
        guide_version=new.guide_version,
        verdict=new.verdict,
        allowed=new.allowed,
        status="allowed" if new.allowed else "blocked",
        sla_state=new.sla_state,
        text=new.text,
        text_stored=new.text_stored,
        text_sha256=new.text_sha256,
        report=new.report,
        context=new.context,
        blockers=new.blockers,
        unavailable=new.unavailable,
        sent_at=created if new.allowed else None,
    )


def dependent_rows(send_id: str, new: NewSend) -> list[SendFindingRow | SubjectRow]:
    """The rows that refer to a send: its findings and its customer's subject hashes."""
    subjects = [
        SubjectRow(send_id=send_id, organisation_id=new.organisation, subject_hash=h) for h in sorted(set(new.subjects))
    ]
    return [*_finding_rows(send_id, new), *subjects]


def _finding_rows(send_id: str, new: NewSend) -> list[SendFindingRow]:
    return [
        SendFindingRow(
            send_id=send_id,
            organisation_id=new.organisation,
            finding_id=f.id,
            check_name=f.check,
            rule=f.rule,
            severity=f.severity,
            overridden=False,
        )
        for f in new.findings
    ]


def _row(session: Session, organisation: str, send_id: str) -> SendRow | None:
    return session.scalars(
        select(SendRow).where(SendRow.id == send_id, SendRow.organisation_id == organisation)
    ).first()


def _record(session: Session, row: SendRow) -> SendRecord:
    override_row = session.get(OverrideRow, row.id)
    override = (
        Override(
            override_row.reason,
            list(override_row.finding_ids),
            override_row.by_key_id,
            dict(override_row.by_agent),
            override_row.created_at,
        )
        if override_row
        else None
    )
    return SendRecord(
        id=row.id,
        organisation=row.organisation_id,
        source=row.source,
        created_at=row.created_at,
        status=row.status,
        allowed=row.allowed,
        verdict=row.verdict,
        channel=row.channel,
        agent={"id": row.agent_id, "name": row.agent_name, "team": row.team},
        ticket_id=row.ticket_id,
        guide_id=row.guide_id,
        guide_version=row.guide_version,
        sla_state=row.sla_state,
        text=row.text,
        text_stored=row.text_stored,
        text_sha256=row.text_sha256,
        report=dict(row.report),
        context=dict(row.context),
        blockers=list(row.blockers),
        unavailable=list(row.unavailable),
        request_hash=row.request_hash,
        idempotency_key=row.idempotency_key,
        sent_at=row.sent_at,
        confirmed_at=row.confirmed_at,
        message_id=row.message_id,
        override=override,
    )


def scrubbed_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report without any text: what a purged or erased record keeps (rules,
    severities, offsets, criteria, check statuses, metrics)."""
    findings = [
        {**f, "excerpt": "", "suggestions": [], "message": f.get("message", ""), "details": _kept_details(f)}
        for f in report.get("findings", [])
    ]
    return {**report, "text": "", "findings": findings}


def _kept_details(finding: dict[str, Any]) -> dict[str, Any]:
    entity = (finding.get("details") or {}).get("entity")
    return {"entity": entity} if entity else {}


def _scrub(row: SendRow, state: str) -> None:
    row.text, row.text_stored = None, state
    row.report = scrubbed_report(row.report)
    context = dict(row.context)
    context.pop("customer", None)
    row.context = context


def _like(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
