"""Keeps the store in order from inside the service, on a thread of its own: brings the
schema up to date at start (retrying while the database is down, so the service starts
and degrades instead of dying), then purges stored text past each guide's retention, at
start and every `purge_every_hours`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .store import Store

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0


class Keeper:
    def __init__(self, store: Store, purge: Callable[[], dict[str, int]], purge_every_hours: float) -> None:
        self.store, self.purge, self.every = store, purge, purge_every_hours * 3600
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tactful-store-keeper", daemon=True)

    def start(self) -> Keeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.store.migrate()
                break
            except Exception as exc:  # down, or another process migrating at the same time
                log.warning("store not ready (%s); retrying in %.0f s", type(exc).__name__, RETRY_SECONDS)
                self._stop.wait(RETRY_SECONDS)
        while self.every > 0 and not self._stop.is_set():
            try:
                purged = sum(self.purge().values())
                if purged:
                    log.info("purged the stored text of %d records past their retention", purged)
            except Exception as exc:
                log.warning("purge failed (%s); next try in %.0f h", type(exc).__name__, self.every / 3600)
            self._stop.wait(self.every)
