"""The first start on an empty store: one organisation with an admin key and an agent
key, written to a file only its owner can read, so the embedded default needs no setup
step. Once any organisation exists it does nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .store import Role, Store

FIRST_ORGANISATION = "local"


def bootstrap(store: Store, keys_file: Path) -> Path | None:
    """Make the first organisation and its keys if the store has none; the file written."""
    if store.keys.organisations():
        return None
    store.keys.create_organisation(FIRST_ORGANISATION, "Local organisation (made on the first start)")
    tokens = {
        "organisation": FIRST_ORGANISATION,
        **{
            role.value: store.keys.create(FIRST_ORGANISATION, role, "made on the first start")[1]
            for role in (Role.admin, Role.agent)
        },
    }
    keys_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(keys_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(tokens, out, indent=2)
        out.write("\n")
    os.chmod(keys_file, 0o600)  # also when the file was there before with wider rights
    return keys_file
