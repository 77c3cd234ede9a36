"""Reviews of recorded sends: the automatic one per scorecard (from the send's own
findings) and any number by reviewers, each with the scorecard it was scored on (id,
version, digest of its content), so a score stays readable as what it meant then."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .database import Database
from .schema import ReviewRow, SendRow


@dataclass(frozen=True)
class Review:
    id: str
    send_id: str
    kind: str  # auto | human
    reviewer_key_id: str | None
    reviewer: str
    scorecard: dict[str, str]  # id, version, digest
    scores: dict[str, int | None]
    comments: dict[str, str]
    comment: str
    total: float | None
    created_at: datetime


class Reviews:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save_auto(
        self, organisation: str, send_id: str, scorecard: dict[str, str], scores: dict[str, Any], total: float | None
    ) -> Review:
        """Keep the automatic scores of a send on this scorecard; the one already kept if
        another process got there first (one per send and scorecard content)."""
        row = auto_review_row(organisation, send_id, scorecard, scores, total)
        try:
            with self.db.transaction() as session:
                session.add(row)
                session.flush()
                return _review(row)
        except IntegrityError:
            with self.db.transaction(write=False) as session:
                kept = session.scalars(
                    select(ReviewRow).where(ReviewRow.send_id == send_id, ReviewRow.auto_digest == scorecard["digest"])
                ).one()
                return _review(kept)

    def add(
        self,
        organisation: str,
        send_id: str,
        *,
        key_id: str,
        reviewer: str,
        scorecard: dict[str, str],
        scores: dict[str, int | None],
        comments: dict[str, str],
        comment: str,
        total: float | None,
    ) -> Review | None:
        """A reviewer's scores on a send of the organisation; None if it has no such send."""
        with self.db.transaction() as session:
            send = session.scalars(
                select(SendRow.id).where(SendRow.id == send_id, SendRow.organisation_id == organisation)
            ).first()
            if send is None:
                return None
            row = _new_row(organisation, send_id, "human", scorecard, scores, total)
            row.reviewer_key_id, row.reviewer, row.comments, row.comment = key_id, reviewer, comments, comment
            session.add(row)
            session.flush()
            return _review(row)

    def of_sends(self, organisation: str, send_ids: Sequence[str], kind: str | None = None) -> list[Review]:
        """The reviews of these sends (of the organisation only), oldest first."""
        if not send_ids:
            return []
        reviews: list[Review] = []
        with self.db.transaction(write=False) as session:
            for start in range(0, len(send_ids), 500):  # bounded IN lists
                query = select(ReviewRow).where(
                    ReviewRow.organisation_id == organisation,
                    ReviewRow.send_id.in_(list(send_ids[start : start + 500])),
                )
                if kind is not None:
                    query = query.where(ReviewRow.kind == kind)
                reviews.extend(_review(row) for row in session.scalars(query))
        return sorted(reviews, key=lambda r: (r.created_at, r.id))


def auto_review_row(
    organisation: str, send_id: str, scorecard: dict[str, str], scores: dict[str, Any], total: float | None
) -> ReviewRow:
    row = _new_row(organisation, send_id, "auto", scorecard, scores, total)
    row.auto_digest = scorecard["digest"]  # one automatic review per send and scorecard content
    return row


def _new_row(
    organisation: str, send_id: str, kind: str, scorecard: dict[str, str], scores: dict[str, Any], total: float | None
) -> ReviewRow:
    return ReviewRow(
        id="rev_" + secrets.token_hex(8),
        organisation_id=organisation,
        send_id=send_id,
        kind=kind,
        reviewer="",
        scorecard_id=scorecard["id"],
        scorecard_version=scorecard["version"],
        scorecard_digest=scorecard["digest"],
        scores=scores,
        comments={},
        comment="",
        total=total,
        created_at=datetime.now(UTC),
    )


def _review(row: ReviewRow) -> Review:
    return Review(
        id=row.id,
        send_id=row.send_id,
        kind=row.kind,
        reviewer_key_id=row.reviewer_key_id,
        reviewer=row.reviewer,
        scorecard={"id": row.scorecard_id, "version": row.scorecard_version, "digest": row.scorecard_digest},
        scores=dict(row.scores),
        comments=dict(row.comments),
        comment=row.comment,
        total=row.total,
        created_at=row.created_at,
    )
