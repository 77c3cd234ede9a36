"""Alembic environment for the template store: run by TemplateStore.migrate() with the
connection in `config.attributes`, or by the alembic CLI with `sqlalchemy.url`."""

from alembic import context

from assistant.drafting.store import VERSION_TABLE, Base
from assistant.migrating import run_environment

run_environment(context, Base.metadata, VERSION_TABLE)
