"""The store's tables. Alembic (store/migrations) creates and changes them; this module
is what the code reads and writes. Every row belongs to one organisation, and every
query names it: that is what keeps one organisation from seeing another's records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Dialect, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

ID = 64  # our own ids: organisations, keys, sends


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware on both engines: PostgreSQL keeps the zone, SQLite keeps none, so
    every time is written in UTC and read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store takes timezone-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UtcDateTime}


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    default_guide: Mapped[str | None] = mapped_column(String(100), default=None)
    host_origins: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]


class KeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of the token, hex")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class SendRow(Base):
    __tablename__ = "sends"
    __table_args__ = (
        UniqueConstraint("organisation_id", "idempotency_key", name="uq_send_idempotency"),
        Index("ix_sends_org_created", "organisation_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    source: Mapped[str] = mapped_column(String(10), default="gate", doc="gate | import")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    agent_id: Mapped[str | None] = mapped_column(String(200), default=None)
    agent_name: Mapped[str | None] = mapped_column(String(200), default=None)
    team: Mapped[str | None] = mapped_column(String(200), default=None)
    ticket_id: Mapped[str | None] = mapped_column(String(100), default=None)
    guide_id: Mapped[str] = mapped_column(String(100))
    guide_version: Mapped[str] = mapped_column(String(50))
    verdict: Mapped[str] = mapped_column(String(10))
    allowed: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(12), doc="blocked | allowed | overridden")
    sla_state: Mapped[str | None] = mapped_column(String(20), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None, doc="As stored: masked, full, or gone")
    text_stored: Mapped[str] = mapped_column(String(10), doc="masked | full | purged | erased")
    text_sha256: Mapped[str] = mapped_column(String(64), doc="Of the text as gated, to confirm what went out")
    report: Mapped[dict[str, Any]] = mapped_column(doc="The Report, stored like the text")
    context: Mapped[dict[str, Any]] = mapped_column(doc="The Context without personal data")
    blockers: Mapped[list[Any]] = mapped_column(default=list)
    unavailable: Mapped[list[Any]] = mapped_column(default=list)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    message_id: Mapped[str | None] = mapped_column(String(200), default=None)


class SendFindingRow(Base):
    """One row per finding of a send: what audits filter and aggregates count by rule."""

    __tablename__ = "send_findings"
    __table_args__ = (Index("ix_send_findings_org_rule", "organisation_id", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    send_id: Mapped[str] = mapped_column(ForeignKey("sends.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(ID))
    finding_id: Mapped[str] = mapped_column(String(64))
    check_name: Mapped[str] = mapped_column(String(50))
    rule: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(12))
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)


class OverrideRow(Base):
    __tablename__ = "overrides"

    send_id: Mapped[str] = mapped_column(ForeignKey("sends.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String(ID))
    reason: Mapped[str] = mapped_column(Text)
    finding_ids: Mapped[list[Any]]
    by_key_id: Mapped[str] = mapped_column(String(ID))
    by_agent: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class SubjectRow(Base):
    """A keyed hash of one of the customer's identifiers on a send: how an erasure finds
    the records that name a customer even where their text is masked."""

    __tablename__ = "send_subjects"
    __table_args__ = (Index("ix_send_subjects_org_hash", "organisation_id", "subject_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    send_id: Mapped[str] = mapped_column(ForeignKey("sends.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(ID))
    subject_hash: Mapped[str] = mapped_column(String(64))


class ErasureRow(Base):
    __tablename__ = "erasures"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    identifier_hash: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)
    by_key_id: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime]
