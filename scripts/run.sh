#!/usr/bin/env bash
# Installs the app into ./.venv and runs it on the embedded default database
# (SQLite under ./data/). Set DATABASE_URL for PostgreSQL. Open http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
mkdir -p data
exec .venv/bin/streamlit run app.py "$@"
