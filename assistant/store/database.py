"""The store's database: one engine, its schema brought up to date by Alembic, and what
its state is (up, migrating, down) for `/readyz` and for a clear 503.

SQLite (the default) runs in WAL mode with `synchronous=FULL`: a committed send is on
disk before it is answered, so neither kill -9 nor a power cut loses an acknowledged
write, and readers never wait for the writer. PostgreSQL is a URL away
(`postgresql+psycopg://...`); its commits are durable by default."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..migrating import upgrade

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_store"  # its own history, beside the template store's
CONNECT_TIMEOUT = 3  # seconds: a database that is down answers 503 quickly, not after minutes
State = Literal["up", "migrating", "down"]
WRITE = "tactful_write"  # execution option: this transaction writes


class StoreDown(RuntimeError):
    """The database cannot be reached or is not ready; try again shortly."""


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrating = threading.Event()
        self._migrated = False
        self.last_error: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def migrate(self) -> None:
        """Bring the schema to the latest revision (StoreDown if the database is down)."""
        self._migrating.set()
        try:
            with self._down_as_store_down():
                upgrade(self.engine, self.url, MIGRATIONS, VERSION_TABLE)
            self._migrated = True
        finally:
            self._migrating.clear()

    def state(self) -> tuple[State, str | None]:
        """Up (answers and migrated), migrating, or down, with a detail for a person."""
        if self._migrating.is_set():
            return "migrating", "bringing the schema up to date"
        try:
            with self._down_as_store_down(), self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except StoreDown:
            return "down", self.last_error
        if not self._migrated:
            return "down", "the schema has not been brought up to date (tactful store migrate)"
        return "up", make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """A session in a transaction, committed on leaving (durably, before the caller
        answers anyone). StoreDown if the database cannot be reached. On SQLite a writing
        transaction takes the write lock at its start, so two writers queue instead of
        failing when both read first."""
        if not self._migrated:
            raise StoreDown("the store is not ready yet (its schema is being brought up to date)")
        with self._down_as_store_down(), self._sessions.begin() as session:
            session.connection(execution_options={WRITE: write})
            yield session

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _down_as_store_down(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            raise self._down(exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise self._down(exc) from exc
            raise

    def _down(self, exc: DBAPIError) -> StoreDown:
        # The driver's message names the host and port, never a record: safe to keep.
        self.last_error = f"{type(exc.orig).__name__}: {str(exc.orig).strip().splitlines()[0][:200]}"
        return StoreDown(self.last_error)


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = (
        {"connect_timeout": CONNECT_TIMEOUT} if parsed.get_backend_name() == "postgresql" else {}
    )
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, connect_args=connect_args)


def _private_file(path: Path) -> None:
    """Make the database file readable only by its owner before SQLite opens it (its
    -wal and -shm files take the same mode): records are personal data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN; SQLAlchemy's "begin" event below
    # issues BEGIN IMMEDIATE, so two writers queue on the lock instead of deadlocking.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE) else "BEGIN")
