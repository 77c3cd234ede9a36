#!/usr/bin/env bash
# 5,000-row export audited, killed (-9) half-way, started again; then count the records.
# Run from anywhere, with a LanguageTool on 127.0.0.1:8081 (tactful languagetool start), or at
# $TACTFUL_LANGUAGETOOL_URL; loopback only.
set -u
cd "$(dirname "$0")/.."
D=$(mktemp -d)

export TACTFUL_STORE_URL=sqlite:///$D/store.db TACTFUL_STORE_SECRET=a5k TACTFUL_LANGUAGETOOL_URL=${TACTFUL_LANGUAGETOOL_URL:-http://127.0.0.1:8081}
.venv/bin/python -c "import sys; sys.path.insert(0,'bench'); import audit; from pathlib import Path; audit.write_export(Path('$D/export.csv'), 5000)"
.venv/bin/tactful keys create --org history --role admin >/dev/null
count() { .venv/bin/python -c "import sqlite3; print(sqlite3.connect('$D/store.db').execute('select count(*) from sends').fetchone()[0])"; }
start=$(date +%s)
# its own process group (setsid), so that the kill below ends its workers and nothing else
setsid .venv/bin/tactful audit $D/export.csv --org history --workers 2 --quiet > $D/first.log 2>&1 &
pid=$!
while [ "$(count)" -lt 2500 ]; do sleep 2; done
kill -9 -- -$pid; sleep 1  # the whole job: the command and its workers
echo "killed at $(count) records after $(( $(date +%s) - start )) s"
.venv/bin/tactful audit $D/export.csv --org history --workers 2 --quiet > $D/second.log 2>&1
echo "second run exit $?; records $(count); distinct tickets $(.venv/bin/python -c "import sqlite3; print(sqlite3.connect('$D/store.db').execute('select count(distinct ticket_id) from sends').fetchone()[0])"); total $(( $(date +%s) - start )) s"
ls -la $D/export.audit.html
tail -3 $D/second.log
