"""A bulk audit's rows in the store: each an imported send with its automatic review,
written a batch per transaction, so a batch is stored whole or not at all and costs one
commit instead of two per row.

Each row is stored once, however often it is written: a row whose idempotency key is
already stored (a run resumed, a Dask partition run again after its worker died) is
skipped, and one stored without its review (by a run before batches) only gets the
review. The unique keys behind it, (organisation, idempotency key) on sends and (send,
scorecard digest) on automatic reviews, also settle two writers racing on a row: the
loser's transaction fails whole and is written again, skipping what the winner stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .database import Database
from .reviews import auto_review_row
from .schema import ReviewRow, SendRow
from .sends import NewSend, dependent_rows, send_row


@dataclass(frozen=True)
class NewImport:
    """One checked row of a history: the send as the gate would store it (with its
    idempotency key) and its automatic scores on the guide's scorecard."""

    send: NewSend
    scorecard: dict[str, str]  # id, version, digest
    scores: dict[str, Any]
    total: float | None


class Imports:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record_many(self, organisation: str, batch: Sequence[NewImport]) -> int:
        """Store the batch in one transaction, committed before it returns; how many of
        its sends were new. Every send must be the organisation's and have a key."""
        if any(item.send.organisation != organisation or item.send.idempotency_key is None for item in batch):
            raise ValueError("an imported row needs an idempotency key and the organisation it is written for")
        unique = list({_key(item): item for item in batch}.values())
        try:
            return self._write(organisation, unique)
        except IntegrityError:  # a racing writer stored some of these rows first: now they are skipped
            return self._write(organisation, unique)

    def _write(self, organisation: str, batch: list[NewImport]) -> int:
        with self.db.transaction() as session:
            return _add_batch(session, organisation, batch)


def _add_batch(session: Session, organisation: str, batch: list[NewImport]) -> int:
    sent = _stored_sends(session, organisation, [_key(item) for item in batch])
    new = _add_sends(session, [item for item in batch if _key(item) not in sent])
    scored = _scored(session, list(sent.values()))  # a send added just now has no review yet
    _add_reviews(session, organisation, batch, sent | new, scored)
    return len(new)


def _add_sends(session: Session, batch: list[NewImport]) -> dict[str, str]:
    """Add the sends with their findings and subjects; key -> the new send's id."""
    rows = [send_row(item.send) for item in batch]
    session.add_all(rows)
    session.flush()  # the sends first: the rows below refer to them
    for item, row in zip(batch, rows, strict=True):
        session.add_all(dependent_rows(row.id, item.send))
    return {_key(item): row.id for item, row in zip(batch, rows, strict=True)}


def _add_reviews(
    session: Session, organisation: str, batch: list[NewImport], sent: dict[str, str], scored: set[tuple[str, str]]
) -> None:
    """Add each row's automatic review, unless its send already has it (`scored`)."""
    for item in batch:
        send_id = sent[_key(item)]
        if (send_id, item.scorecard["digest"]) not in scored:
            session.add(auto_review_row(organisation, send_id, item.scorecard, item.scores, item.total))


def _key(item: NewImport) -> str:
    return str(item.send.idempotency_key)


def _stored_sends(session: Session, organisation: str, keys: list[str]) -> dict[str, str]:
    """Idempotency key -> send id, of the keys already stored."""
    query = select(SendRow.idempotency_key, SendRow.id).where(
        SendRow.organisation_id == organisation, SendRow.idempotency_key.in_(keys)
    )
    return {str(key): send_id for key, send_id in session.execute(query)}


def _scored(session: Session, send_ids: list[str]) -> set[tuple[str, str]]:
    """(send id, scorecard digest) of the automatic reviews these sends already have."""
    query = select(ReviewRow.send_id, ReviewRow.auto_digest).where(
        ReviewRow.send_id.in_(send_ids), ReviewRow.auto_digest.is_not(None)
    )
    return {(send_id, str(digest)) for send_id, digest in session.execute(query)}
