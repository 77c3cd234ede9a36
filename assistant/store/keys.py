"""Organisations and their API keys.

A key is 32 random bytes (`tf_` + 43 URL-safe characters), shown once when it is made
and stored only as its SHA-256: with that much entropy a fast hash is as safe as a slow
one, and checking a key costs a look-up, not a key-derivation on every keystroke. A key
that was checked is trusted for `cache_seconds` without asking the database again, so a
revoked key stops working within that time on every replica."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from cachetools import TTLCache
from sqlalchemy import select

from .database import Database
from .schema import KeyRow, OrganisationRow

TOKEN_PREFIX = "tf_"
TOKEN = re.compile(r"tf_[A-Za-z0-9_-]{43}")
ORG_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
CACHED_KEYS = 10_000


class Role(StrEnum):
    agent = "agent"  # check, draft, send
    reviewer = "reviewer"  # read and score records
    admin = "admin"  # keys, guides, templates, erasure; and all of the above


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    default_guide: str | None
    host_origins: tuple[str, ...]


@dataclass(frozen=True)
class Principal:
    """Who is calling: an organisation's key and its role."""

    organisation: str
    role: Role
    key_id: str
    default_guide: str | None = None  # the organisation's, when a request names none
    host_origins: tuple[str, ...] = ()  # the organisation's: who may call from a browser (CORS)

    def may(self, *roles: Role) -> bool:
        return self.role is Role.admin or self.role in roles


@dataclass(frozen=True)
class KeyInfo:
    id: str
    organisation: str
    role: Role
    name: str
    created_at: datetime
    revoked_at: datetime | None


class UnknownOrganisation(LookupError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Keys:
    def __init__(self, db: Database, cache_seconds: float = 10.0) -> None:
        self.db = db
        self._cache: TTLCache[str, Principal | None] | None = (
            TTLCache(CACHED_KEYS, cache_seconds) if cache_seconds > 0 else None
        )
        self._lock = threading.Lock()

    # -- organisations -----------------------------------------------------------
    def create_organisation(self, org_id: str, name: str = "") -> Organisation:
        if not ORG_ID.fullmatch(org_id):
            raise ValueError("an organisation id is 1-63 lower-case letters, digits and hyphens, e.g. acme-energy")
        with self.db.transaction() as session:
            row = session.get(OrganisationRow, org_id)
            if row is None:
                row = OrganisationRow(id=org_id, name=name, host_origins=[], created_at=datetime.now(UTC))
                session.add(row)
            return _organisation(row)

    def organisation(self, org_id: str) -> Organisation | None:
        with self.db.transaction(write=False) as session:
            row = session.get(OrganisationRow, org_id)
            return _organisation(row) if row else None

    def organisations(self) -> list[Organisation]:
        with self.db.transaction(write=False) as session:
            return [_organisation(row) for row in session.scalars(select(OrganisationRow).order_by(OrganisationRow.id))]

    def update_organisation(
        self, org_id: str, *, host_origins: list[str] | None = None, default_guide: str | None = None
    ) -> Organisation:
        with self.db.transaction() as session:
            row = session.get(OrganisationRow, org_id)
            if row is None:
                raise UnknownOrganisation(org_id)
            if host_origins is not None:
                row.host_origins = list(host_origins)
            if default_guide is not None:
                row.default_guide = default_guide or None
            return _organisation(row)

    # -- keys --------------------------------------------------------------------
    def create(self, org_id: str, role: Role, name: str = "") -> tuple[KeyInfo, str]:
        """A new key of `org_id` (UnknownOrganisation if it does not exist) and its token,
        which is not kept: this is the only time anyone sees it."""
        token = new_token()
        key_id = "key_" + secrets.token_hex(8)
        with self.db.transaction() as session:
            if session.get(OrganisationRow, org_id) is None:
                raise UnknownOrganisation(org_id)
            row = KeyRow(
                id=key_id,
                organisation_id=org_id,
                role=role.value,
                name=name,
                token_hash=hash_token(token),
                created_at=datetime.now(UTC),
            )
            session.add(row)
            return _key(row), token

    def cached(self, token: str) -> Principal | None | bool:
        """The principal from the cache; False when the cache does not know the token."""
        if self._cache is None:
            return False
        with self._lock:
            return self._cache.get(hash_token(token), False)

    def authenticate(self, token: str) -> Principal | None:
        """Who holds `token`, or None for an unknown or revoked key. StoreDown if the
        database cannot be asked (and the key is not cached)."""
        if not TOKEN.fullmatch(token):
            return None
        digest = hash_token(token)
        with self.db.transaction(write=False) as session:
            found = None
            for key, org in session.execute(
                select(KeyRow, OrganisationRow)
                .join(OrganisationRow, OrganisationRow.id == KeyRow.organisation_id)
                .where(KeyRow.token_hash == digest, KeyRow.revoked_at.is_(None))
            ):
                found = Principal(
                    key.organisation_id, Role(key.role), key.id, org.default_guide, tuple(org.host_origins or ())
                )
        if self._cache is not None:
            with self._lock:
                self._cache[digest] = found
        return found

    def list(self, org_id: str | None = None) -> list[KeyInfo]:
        query = select(KeyRow).order_by(KeyRow.organisation_id, KeyRow.created_at)
        if org_id is not None:
            query = query.where(KeyRow.organisation_id == org_id)
        with self.db.transaction(write=False) as session:
            return [_key(row) for row in session.scalars(query)]

    def revoke(self, key_id: str, org_id: str | None = None) -> KeyInfo | None:
        """Revoke a key (only if it is `org_id`'s, when given); None if there is no such key."""
        with self.db.transaction() as session:
            row = session.get(KeyRow, key_id)
            if row is None or (org_id is not None and row.organisation_id != org_id):
                return None
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
            if self._cache is not None:
                with self._lock:
                    self._cache.pop(row.token_hash, None)
            return _key(row)


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(row.id, row.name, row.default_guide, tuple(row.host_origins or ()))


def _key(row: KeyRow) -> KeyInfo:
    return KeyInfo(row.id, row.organisation_id, Role(row.role), row.name, row.created_at, row.revoked_at)
