"""Alembic environment for the store: its own history (version table
`alembic_version_store`), beside the template store's."""

from alembic import context

from assistant.migrating import run_environment
from assistant.store.database import VERSION_TABLE
from assistant.store.schema import Base

run_environment(context, Base.metadata, VERSION_TABLE)
