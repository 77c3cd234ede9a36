"""The store: organisations, API keys and the record of every gated send (SQLAlchemy 2;
SQLite by default, PostgreSQL by URL; the schema from Alembic). It knows the model and
nothing above it: no HTTP, no checks."""

from __future__ import annotations

from .audit import Audit, AuditFilter
from .database import Database, State, StoreDown
from .imports import Imports, NewImport
from .keys import KeyInfo, Keys, Organisation, Principal, Role, UnknownOrganisation
from .qa_sessions import QaSession, QaSessions
from .reviews import Review, Reviews
from .sends import FindingRef, NewSend, Override, OverrideRefused, SendConflict, SendRecord, Sends

__all__ = [
    "Audit",
    "AuditFilter",
    "QaSession",
    "QaSessions",
    "Review",
    "Reviews",
    "Database",
    "FindingRef",
    "Imports",
    "KeyInfo",
    "Keys",
    "NewImport",
    "NewSend",
    "Organisation",
    "Override",
    "OverrideRefused",
    "Principal",
    "Role",
    "SendConflict",
    "SendRecord",
    "Sends",
    "State",
    "Store",
    "StoreDown",
    "UnknownOrganisation",
]


class Store:
    """One database and what lives in it."""

    def __init__(self, url: str, key_cache_seconds: float = 10.0) -> None:
        self.db = Database(url)
        self.keys = Keys(self.db, key_cache_seconds)
        self.sends = Sends(self.db)
        self.audit = Audit(self.db)
        self.imports = Imports(self.db)
        self.reviews = Reviews(self.db)
        self.qa_sessions = QaSessions(self.db)

    def migrate(self) -> None:
        self.db.migrate()

    def close(self) -> None:
        self.db.close()
