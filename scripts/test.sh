#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, then runs lint and the whole suite:
# Python packages into ./.venv, Debian's Chromium for the browser tests, Debian's nginx and NSS
# tools (certutil) for the cluster tests, and a running PostgreSQL (started if it is installed
# but stopped). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Chromium (Debian package) for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The cluster tests run scripts/run-cluster.sh (nginx in front of the replicas) and make
# Chromium trust their own CA through an NSS database (certutil).
if { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; } || ! command -v certutil >/dev/null 2>&1; then
  echo "== installing nginx and certutil (Debian packages) for the cluster tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnss3-tools >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "== starting PostgreSQL"
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q && break
    sleep 1
  done
  pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432"; exit 1; }
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
echo "== installing Python packages"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== bandit (high severity)"
.venv/bin/bandit -q -c pyproject.toml -r scoring intake ui pages app.py -lll
echo "== mypy (strict on scoring and intake)"
.venv/bin/mypy

if [ "$#" -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
# Two phases: the pure, storage and AppTest suites spread over both cores; then the suites
# that start their own servers and processes (browser, durability, cluster), one at a time.
echo "== pytest: unit, storage, app, fuzz (parallel)"
.venv/bin/python -m pytest -n 2 -m "not e2e and not durability and not cluster"
echo "== pytest: browser, durability and cluster (serial)"
exec .venv/bin/python -m pytest -m "e2e or durability or cluster"
