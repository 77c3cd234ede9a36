"""`tactful audit --scheduler`: the bulk audit on a real Dask cluster (a LocalCluster of two
worker processes on loopback), the real LanguageTool, the store on SQLite and on
PostgreSQL. The command is stopped by Ctrl-C and killed mid-run, then one of the
cluster's workers is killed mid-partition; the run still ends with every row recorded
exactly once."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy
from distributed import Client, LocalCluster
from interrupts import interruptible

from assistant.qa.audit_worker import BATCH_ROWS, batch_size
from assistant.settings import PROJECT_ROOT
from assistant.store import Store

ROWS = 60


@pytest.fixture(scope="module")
def cluster() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="1GiB",  # a worker holds ~400 MB (spaCy, Presidio)
            host="127.0.0.1",
            dashboard_address=None,
        ) as local,
        Client(local, set_as_default=False) as client,
    ):
        yield client


def export(path: Path) -> int:
    """ROWS corpus replies and one bad row; returns the bad row's line."""
    replies = [json.loads(line) for line in (PROJECT_ROOT / "bench/corpus/replies.jsonl").open()]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["text", "format", "channel", "sent_at", "ticket_id"])
        writer.writeheader()
        for number in range(ROWS):
            reply = replies[number % len(replies)]
            writer.writerow({**{k: reply[k] for k in ("text", "format", "channel")}, "ticket_id": f"T{number}",
                             "sent_at": "2026-03-02T10:00:00Z"})  # fmt: skip
        writer.writerow({"text": "A reply on a channel we do not know.", "channel": "fax"})
    return path.read_text().count("\n")


def count(url: str, query: str) -> int:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as db:
            return db.execute(sqlalchemy.text(query)).scalar_one()
    except (sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.OperationalError):  # no tables yet
        return 0
    finally:
        engine.dispose()


def recorded(url: str) -> int:
    return count(url, "select count(distinct send_id) from reviews where kind = 'auto'")  # recorded and scored


def audit(
    tmp_path: Path,
    url: str,
    scheduler: str,
    languagetool_url: str,
    when: Callable[[subprocess.Popen], None] | None = None,
):
    """Run the command; with `when`, call it with the process once three more rows are recorded."""
    command = [sys.executable, "-m", "assistant.cli", "audit", str(tmp_path / "export.csv"), "--org", "acme",
               "--scheduler", scheduler]  # fmt: skip
    env = os.environ | {
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_STORE_URL": url,
        "TACTFUL_STORE_SECRET": "test-secret",
    }
    with interruptible():
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    if when is not None:
        before = recorded(url)
        while recorded(url) < before + 3 and process.poll() is None:
            time.sleep(0.02)  # a run's last rows can follow its first within a few tenths of a second
        assert process.poll() is None, "the run ended before the kill"
        when(process)
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr


def test_a_killed_run_and_a_killed_worker_leave_every_row_recorded_once(tmp_path, store_url, languagetool_url, cluster):
    cluster.wait_for_workers(2, timeout=120)  # the nanny restarts a worker killed by an earlier test
    scheduler = cluster.scheduler.address
    store = Store(store_url)
    store.migrate()
    store.keys.create_organisation("acme")
    store.close()
    bad_line = export(tmp_path / "export.csv")

    code, stderr = audit(tmp_path, store_url, scheduler, languagetool_url, lambda run: run.send_signal(signal.SIGINT))
    assert code == 130, stderr
    assert "interrupted: run the same command again" in stderr
    code, _ = audit(tmp_path, store_url, scheduler, languagetool_url, lambda run: os.killpg(run.pid, signal.SIGKILL))
    assert code == -signal.SIGKILL
    first = recorded(store_url)
    assert 6 <= first < ROWS

    pids = cluster.run(os.getpid)
    victim = next(iter(pids.values()))
    code, stderr = audit(tmp_path, store_url, scheduler, languagetool_url, lambda _: os.kill(victim, signal.SIGKILL))
    assert code == 0, stderr
    assert f"export.csv:{bad_line}: skipped: channel:" in stderr
    assert "audit: 100%" in stderr and "reply/s" in stderr  # the progress bar, with its rate
    now = int(stderr.split(" rows checked (")[1].split(" now")[0])
    assert f"{ROWS} of {ROWS + 1} rows checked ({now} now, {ROWS - now} earlier), 1 bad" in stderr
    assert ROWS - now >= first

    cluster.wait_for_workers(2, timeout=120)
    assert victim not in cluster.run(os.getpid).values()  # the worker was killed and replaced
    assert count(store_url, "select count(*) from sends where source = 'import'") == ROWS  # one record per row
    assert count(store_url, "select count(distinct idempotency_key) from sends") == ROWS
    assert count(store_url, "select count(*) from reviews where kind = 'auto'") == ROWS  # each scored once
    assert (tmp_path / "export.audit.html").is_file()

    code, stderr = audit(tmp_path, store_url, scheduler, languagetool_url)  # nothing left: resumes to no work
    assert code == 0, stderr
    assert f"{ROWS} of {ROWS + 1} rows checked (0 now, {ROWS} earlier), 1 bad" in stderr


@pytest.mark.parametrize(("todo", "workers", "size"), [(1, 2, 1), (40, 2, 5), (10_000, 2, BATCH_ROWS)])
def test_partitions_spread_rows_over_every_worker(todo, workers, size):
    assert batch_size(todo, workers) == size


def test_no_scheduler_at_the_address_is_a_clear_error(tmp_path, languagetool_url):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store(url)
    store.migrate()
    store.keys.create_organisation("acme")
    store.close()
    export(tmp_path / "export.csv")
    command = [sys.executable, "-m", "assistant.cli", "audit", str(tmp_path / "export.csv"), "--org", "acme",
               "--scheduler", "tcp://127.0.0.1:8229", "--quiet"]  # fmt: skip
    env = os.environ | {
        "TACTFUL_LANGUAGETOOL_URL": languagetool_url,
        "TACTFUL_STORE_URL": url,
        "TACTFUL_STORE_SECRET": "test-secret",
        "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s",
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "tactful: --scheduler tcp://127.0.0.1:8229: Timed out trying to connect" in done.stderr
    assert "Traceback" not in done.stderr
