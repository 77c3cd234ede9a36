#!/usr/bin/env bash
# ./run.sh serve   install what is missing, start LanguageTool (supervised), serve on http://127.0.0.1:8000
# ./run.sh test    install what is missing, lint, type-check, run the whole test suite (extra args go to pytest)
set -euo pipefail
cd "$(dirname "$0")"
command=${1:-}
shift || true
scripts/setup.sh

case "$command" in
  serve)
    # LanguageTool runs under its supervisor (`tactful languagetool supervise`), which
    # restarts it when it dies or hangs; stopped again on exit if this script started it.
    started=""
    if ! .venv/bin/tactful languagetool status >/dev/null; then
      .venv/bin/tactful languagetool start
      started=yes
    fi
    stop_lt() { [ -n "$started" ] && .venv/bin/tactful languagetool stop >/dev/null || true; }
    trap stop_lt EXIT
    .venv/bin/tactful serve --host "${TACTFUL_HOST:-127.0.0.1}" --port "${TACTFUL_PORT:-8000}" "$@"
    ;;
  test)
    .venv/bin/ruff check .            # lint
    .venv/bin/ruff format --check .   # formatting
    .venv/bin/mypy                    # types (the package; settings in pyproject.toml)
    .venv/bin/lint-imports            # imports run one way (contracts in pyproject.toml)
    .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: ./run.sh serve | ./run.sh test [pytest args]" >&2
    exit 2
    ;;
esac
