#!/usr/bin/env bash
# Installs the app into ./.venv and runs it on the embedded default database
# (SQLite under ./data/). Set DATABASE_URL for PostgreSQL. Open http://localhost:8501
# The alert worker (python -m intake alerts --watch) runs beside the app and stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
mkdir -p data
# Migrate once, first, so the app and the worker do not both start on an empty database.
.venv/bin/python -m intake migrate >/dev/null
.venv/bin/python -m intake alerts --watch &
worker=$!
.venv/bin/streamlit run app.py "$@" &
app=$!
# Both stop together: Ctrl-C or SIGTERM to this script stops both, and if either ends on its
# own the other is stopped too (an app without its worker would promise alerts nobody sends).
stop() { kill -TERM "$app" "$worker" 2>/dev/null || true; }
trap 'stop; wait; exit 130' INT
trap 'stop; wait; exit 143' TERM
set +e
wait -n "$app" "$worker"
status=$?
stop
wait
exit "$status"
