"""Templates in the database, with versions: who changed what, when.

The files in `templates/` are the seed: `seed()` stores version 1 of every template the
database does not hold yet. `save()` stores a new version after the same lint as the
files get (a version that does not lint is refused). `export()` writes the latest
version of each template back to a templates folder, from which the service loads (and
reloads) its library, so what agents draft from is always a linted, recorded version.
Each version belongs to an organisation (its guide id; "" for the shared library), which
is part of its key: one organisation's versions never export into another's folder.
SQLAlchemy; SQLite by default, PostgreSQL by URL; the schema comes from Alembic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..migrating import upgrade
from .render import build_environment
from .templates import ID, ORGS_FOLDER, LibraryError, LintError, parse_template, template_files

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_templates"  # its own, beside any other store's


class Base(DeclarativeBase):
    pass


class TemplateVersion(Base):
    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("organisation", "template_id", "version", name="uq_template_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(80), default="", doc="Guide id; empty for shared templates.")
    template_id: Mapped[str] = mapped_column(String(80), index=True)
    topic: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text, doc="The whole file: front matter and body.")
    author: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Version:
    organisation: str
    template_id: str
    topic: str
    version: int
    author: str
    note: str
    created_at: datetime
    source: str


def _version(row: TemplateVersion) -> Version:
    return Version(
        row.organisation, row.template_id, row.topic, row.version, row.author, row.note, row.created_at, row.source
    )


class TemplateStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url)

    def migrate(self) -> None:
        """Bring the schema to the latest Alembic revision."""
        upgrade(self.engine, self.url, MIGRATIONS, VERSION_TABLE)

    def close(self) -> None:
        self.engine.dispose()

    def seed(self, folder: Path, author: str = "seed from files") -> int:
        """Store version 1 of each template in `folder` (shared and `orgs/<guide>/`) the
        store lacks; the count stored."""
        stored = 0
        for path in template_files(folder, include_orgs=True):
            organisation, topic = place(path, folder)
            if self.latest(path.stem, organisation) is None:
                self.save(
                    path.stem,
                    topic,
                    path.read_text(encoding="utf-8"),
                    author,
                    "seeded from " + path.name,
                    organisation=organisation,
                )
                stored += 1
        return stored

    def save(
        self, template_id: str, topic: str, source: str, author: str, note: str = "", *, organisation: str = ""
    ) -> Version:
        """A new version, if it lints and differs from the latest (else the latest).
        LibraryError with file and line when it does not lint."""
        path = Path(topic or ".") / f"{template_id}.md"
        if organisation and not ID.match(organisation):
            raise LibraryError([LintError(str(path), 1, "the organisation must be a guide id")])
        template, errors = parse_template(path, Path("."), build_environment(html=False), raw=source)
        if errors or template is None:
            raise LibraryError(errors or [LintError(str(path), 1, "does not load")])
        with Session(self.engine) as session, session.begin():
            latest = self._latest_row(session, template_id, organisation)
            if latest is not None and latest.source == source and latest.topic == topic:
                return _version(latest)
            number = (latest.version if latest else 0) + 1
            row = TemplateVersion(
                organisation=organisation,
                template_id=template_id,
                topic=topic,
                version=number,
                source=source,
                author=author,
                note=note,
                created_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            return _version(row)

    def latest(self, template_id: str, organisation: str = "") -> Version | None:
        with Session(self.engine) as session:
            row = self._latest_row(session, template_id, organisation)
            return _version(row) if row else None

    def history(self, template_id: str, organisation: str = "") -> list[Version]:
        """Every version, newest first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(TemplateVersion)
                .where(TemplateVersion.template_id == template_id, TemplateVersion.organisation == organisation)
                .order_by(TemplateVersion.version.desc())
            )
            return [_version(row) for row in rows]

    def latest_all(self) -> list[Version]:
        with Session(self.engine) as session:
            newest = (
                select(
                    TemplateVersion.organisation,
                    TemplateVersion.template_id,
                    func.max(TemplateVersion.version).label("v"),
                )
                .group_by(TemplateVersion.organisation, TemplateVersion.template_id)
                .subquery()
            )
            rows = session.scalars(
                select(TemplateVersion)
                .join(
                    newest,
                    (TemplateVersion.organisation == newest.c.organisation)
                    & (TemplateVersion.template_id == newest.c.template_id)
                    & (TemplateVersion.version == newest.c.v),
                )
                .order_by(TemplateVersion.organisation, TemplateVersion.template_id)
            )
            return [_version(row) for row in rows]

    def export(self, folder: Path) -> int:
        """Write the latest version of every template to `folder/<topic>/<id>.md`, an
        organisation's to `folder/orgs/<guide>/<topic>/<id>.md`."""
        versions = self.latest_all()
        for version in versions:
            base = folder / ORGS_FOLDER / version.organisation if version.organisation else folder
            target = base / version.topic / f"{version.template_id}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(version.source, encoding="utf-8")
        return len(versions)

    @staticmethod
    def _latest_row(session: Session, template_id: str, organisation: str) -> TemplateVersion | None:
        return session.scalars(
            select(TemplateVersion)
            .where(TemplateVersion.template_id == template_id, TemplateVersion.organisation == organisation)
            .order_by(TemplateVersion.version.desc())
            .limit(1)
        ).first()


def place(path: Path, folder: Path | None = None) -> tuple[str, str]:
    """(organisation, topic) of a template file: `orgs/<guide>/<topic>/<id>.md` belongs to
    that guide's organisation, anything else to the shared library; the topic is the
    folder the file sits in (none at the top of `folder`)."""
    dirs = (path.resolve().relative_to(folder.resolve()) if folder else path).parts[:-1]
    organisation = ""
    if ORGS_FOLDER in dirs:
        at = len(dirs) - 1 - dirs[::-1].index(ORGS_FOLDER)
        organisation, dirs = (dirs[at + 1], dirs[at + 2 :]) if at + 1 < len(dirs) else ("", dirs[at + 1 :])
    return organisation, dirs[-1] if dirs else ""
