"""Reviewers' browser sessions on /qa: made at login with a reviewer (or admin) key,
kept as the SHA-256 of the cookie's token, each with its CSRF token and an expiry. A
session ends at logout, at expiry, or when its key is revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from .database import Database
from .keys import Principal, Role
from .schema import KeyRow, QaSessionRow


@dataclass(frozen=True)
class QaSession:
    principal: Principal
    csrf: str
    expires_at: datetime


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class QaSessions:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open(self, principal: Principal, lifetime: timedelta) -> tuple[str, QaSession]:
        """A new session for `principal`: (the cookie's token, the session)."""
        token, now = secrets.token_urlsafe(32), datetime.now(UTC)
        row = QaSessionRow(
            token_hash=_hash(token),
            organisation_id=principal.organisation,
            key_id=principal.key_id,
            role=principal.role.value,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + lifetime,
        )
        with self.db.transaction() as session:
            session.execute(delete(QaSessionRow).where(QaSessionRow.expires_at < now))  # tidy expired ones
            session.add(row)
        return token, QaSession(principal, row.csrf, row.expires_at)

    def get(self, token: str) -> QaSession | None:
        """The live session of this token: None if unknown, expired, or its key revoked."""
        query = (
            select(QaSessionRow, KeyRow.revoked_at)
            .join(KeyRow, KeyRow.id == QaSessionRow.key_id)
            .where(QaSessionRow.token_hash == _hash(token))
        )
        with self.db.transaction(write=False) as session:
            found = session.execute(query).first()
        if found is None:
            return None
        row, revoked_at = found
        if revoked_at is not None or row.expires_at <= datetime.now(UTC):
            return None
        principal = Principal(row.organisation_id, Role(row.role), row.key_id)
        return QaSession(principal, row.csrf, row.expires_at)

    def close(self, token: str) -> None:
        with self.db.transaction() as session:
            session.execute(delete(QaSessionRow).where(QaSessionRow.token_hash == _hash(token)))
