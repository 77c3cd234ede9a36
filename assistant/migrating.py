"""Alembic, as both stores use it: each keeps its own history (script folder and version
table), run with the store's own connection or by the alembic CLI from a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, engine_from_config, pool
from sqlalchemy.engine import Engine


def upgrade(engine: Engine, url: str, script_location: Path, version_table: str) -> None:
    """Bring the schema of one history to its latest revision."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("version_table", version_table)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def run_environment(context: Any, metadata: MetaData, version_table: str) -> None:
    """The body of a history's env.py."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
