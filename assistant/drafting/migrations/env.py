"""Alembic environment for the template store: run by TemplateStore.migrate() with the
connection in `config.attributes`, or by the alembic CLI with `sqlalchemy.url`."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from assistant.drafting.store import VERSION_TABLE, Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()


run()
