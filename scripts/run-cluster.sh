#!/usr/bin/env bash
# Runs the app as a clinic would on one machine: PostgreSQL, IOP_REPLICAS Streamlit replicas
# (default 2) and nginx in front of them (TLS, security headers, sticky sessions), from the site
# config in deploy/nginx/. Runs in the foreground and prints the HTTPS URL when everything
# answers; Ctrl-C or SIGTERM stops everything it started, and nothing else. docs/deployment.md
# ("Two replicas behind nginx") describes the contract:
#   IOP_CLUSTER_PORT      the proxy's HTTPS port (default 8443)
#   IOP_REPLICAS          how many `streamlit run` replicas (default 2)
#   DATABASE_URL          a postgresql:// URL (default: local database iop, created if missing)
#   IOP_TLS_CERT, IOP_TLS_KEY   the proxy's certificate and key (default: self-signed, made now)
#   IOP_FIELD_KEY, STREAMLIT_SERVER_COOKIE_SECRET   default: a key file kept under data/cluster/,
#                         and a cookie secret made at each start (the same on every replica)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

port=${IOP_CLUSTER_PORT:-8443}
replicas=${IOP_REPLICAS:-2}
export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/iop}
[[ "$port" =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || { echo "IOP_CLUSTER_PORT must be a port number, not '$port'" >&2; exit 2; }
[[ "$replicas" =~ ^[0-9]+$ ]] && ((replicas >= 1 && replicas <= 16)) || { echo "IOP_REPLICAS must be 1 to 16, not '$replicas'" >&2; exit 2; }
case "$DATABASE_URL" in
  postgresql://* | postgresql+psycopg2://* | postgres://*) ;;
  *) echo "DATABASE_URL must be a postgresql:// URL: replicas cannot share a SQLite file" >&2; exit 2 ;;
esac
if { [ -n "${IOP_TLS_CERT:-}" ] && [ -z "${IOP_TLS_KEY:-}" ]; } || { [ -z "${IOP_TLS_CERT:-}" ] && [ -n "${IOP_TLS_KEY:-}" ]; }; then
  echo "Set both IOP_TLS_CERT and IOP_TLS_KEY, or neither (a self-signed certificate is made)" >&2
  exit 2
fi

# --- What it needs, installed the way scripts/test.sh installs Chromium ----------------------
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "== installing nginx (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
py=.venv/bin/python

# Refuse a port in use before touching anything: another cluster may be running on it.
if ! "$py" -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("", int(sys.argv[1])))' "$port" 2>/dev/null; then
  echo "port $port is in use: set IOP_CLUSTER_PORT to a free one" >&2
  exit 1
fi

# --- Private state: data/cluster/ (mode 0700), one folder per port ------------------------------
umask 077
state=$root/data/cluster
run=$state/port-$port
mkdir -p "$state"
chmod 700 "$root/data" "$state"
rm -rf "$run"
mkdir -p "$run/logs" "$run/tls"

# --- PostgreSQL: started if it is local and stopped; the database made if missing -------------
db_host=$("$py" -c 'import sys; from sqlalchemy.engine import make_url; print(make_url(sys.argv[1]).host or "")' "$DATABASE_URL")
db_port=$("$py" -c 'import sys; from sqlalchemy.engine import make_url; print(make_url(sys.argv[1]).port or 5432)' "$DATABASE_URL")
if ! pg_isready -h "${db_host:-127.0.0.1}" -p "$db_port" -q 2>/dev/null; then
  case "$db_host" in
    "" | 127.0.0.1 | localhost | ::1)
      echo "== starting PostgreSQL"
      for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
      done
      for _ in $(seq 1 30); do
        pg_isready -h "${db_host:-127.0.0.1}" -p "$db_port" -q && break
        sleep 1
      done
      ;;
  esac
  pg_isready -h "${db_host:-127.0.0.1}" -p "$db_port" -q || { echo "PostgreSQL does not answer at ${db_host:-127.0.0.1}:$db_port" >&2; exit 1; }
fi
"$py" - "$DATABASE_URL" <<'PY'
import sys

from sqlalchemy import text
from sqlalchemy.engine import make_url

from intake.db import make_engine, normalize_url

url = make_url(normalize_url(sys.argv[1]))
name = url.database or ""
if not name or '"' in name:
    sys.exit(f"DATABASE_URL names no usable database: {name!r}")
# CREATE DATABASE cannot run in a transaction: connect to the maintenance database, autocommit.
engine = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
    if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        print(f"== created database {name}")
engine.dispose()
PY

# --- Secrets ----------------------------------------------------------------------------------
if [ -z "${IOP_FIELD_KEY:-}" ]; then
  key_file=$state/field.key
  if [ ! -s "$key_file" ]; then
    "$py" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' >"$key_file.tmp"
    mv -n "$key_file.tmp" "$key_file"  # two first starts at once: the first key stays
    rm -f "$key_file.tmp"
  fi
  IOP_FIELD_KEY=$(cat "$key_file")
  echo "== IOP_FIELD_KEY not set: using the key in $key_file (mode 0600). In production set your" \
    "own, the same on every replica, and back it up apart from the database." >&2
fi
export IOP_FIELD_KEY
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
  # Made per start: it only has to be the same on every replica of this run.
  STREAMLIT_SERVER_COOKIE_SECRET=$("$py" -c 'import secrets; print(secrets.token_urlsafe(32))')
fi
export STREAMLIT_SERVER_COOKIE_SECRET
export IOP_ENV=${IOP_ENV:-production}
# One proxy (this nginx) appends the client's address to X-Forwarded-For.
export IOP_TRUSTED_PROXIES=${IOP_TRUSTED_PROXIES:-1}

if [ -n "${IOP_TLS_CERT:-}" ]; then
  cert=$IOP_TLS_CERT
  key=$IOP_TLS_KEY
else
  cert=$run/tls/localhost.crt
  key=$run/tls/localhost.key
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -keyout "$key" -out "$cert" 2>/dev/null
  echo "== self-signed certificate for localhost: $cert (set IOP_TLS_CERT and IOP_TLS_KEY for a real one)" >&2
fi

# --- Migrate once, first, so replicas and the worker do not all start on an empty schema --------
"$py" -m intake migrate >/dev/null

# --- Children ---------------------------------------------------------------------------------
declare -A role=()   # pid -> what it is, for the messages
pids=()
stopping=0
stop() {
  # Everything this script started, and only that: the pids it recorded.
  stopping=1
  local alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  if [ "${#alive[@]}" -gt 0 ]; then
    kill -TERM "${alive[@]}" 2>/dev/null || true
    for _ in $(seq 1 100); do
      local left=0
      for pid in "${alive[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
      [ "$left" = 0 ] && break
      sleep 0.1
    done
    kill -KILL "${alive[@]}" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap '[ "$stopping" = 1 ] || stop' EXIT

mapfile -t ports < <("$py" - "$replicas" <<'PY'
import socket, sys

# Hold every socket until all are chosen, so no port is picked twice.
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
)
upstreams=()
for i in "${!ports[@]}"; do
  n=$((i + 1))
  .venv/bin/streamlit run app.py --server.headless true --server.address 127.0.0.1 \
    --server.port "${ports[$i]}" --browser.gatherUsageStats false --server.fileWatcherType none \
    >"$run/logs/replica-$n.log" 2>&1 &
  pids+=("$!")
  role[$!]="replica $n (port ${ports[$i]})"
  upstreams+=(--replica "127.0.0.1:${ports[$i]}")
done
"$py" -m intake alerts --watch >"$run/logs/alerts.log" 2>&1 &
pids+=("$!")
role[$!]="alert worker"
worker=$!

# Each replica's liveness endpoint, before the proxy sends anyone there.
for i in "${!ports[@]}"; do
  replica_pid=${pids[$i]}
  if ! "$py" - "${ports[$i]}" "$replica_pid" <<'PY'
import os, sys, time, urllib.request

port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(1)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            if r.read().strip() == b"ok":
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.25)
sys.exit(1)
PY
  then
    echo "${role[$replica_pid]} did not start; its log, $run/logs/replica-$((i + 1)).log:" >&2
    tail -n 30 "$run/logs/replica-$((i + 1)).log" >&2
    exit 1
  fi
done

"$py" deploy/render_nginx.py "$run/nginx" --port "$port" --cert "$cert" --key "$key" "${upstreams[@]}"
"$nginx_bin" -p "$run/nginx" -c "$run/nginx/conf/nginx.conf" -e "$run/nginx/logs/error.log" -g 'daemon off;' \
  >"$run/logs/nginx.log" 2>&1 &
pids+=("$!")
role[$!]="nginx"
proxy=$!
if ! "$py" - "$port" "$proxy" <<'PY'
import os, socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(1)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
then
  echo "nginx did not start:" >&2
  cat "$run/logs/nginx.log" "$run/nginx/logs/error.log" >&2 2>/dev/null || true
  exit 1
fi

for i in "${!ports[@]}"; do
  echo "replica $((i + 1)): http://127.0.0.1:${ports[$i]} pid ${pids[$i]}"
done
echo "logs: $run/logs and $run/nginx/logs"
echo "https://localhost:$port/"

# --- Foreground -------------------------------------------------------------------------------
# A replica that dies (a crash, or SIGKILL in the failover test) is not restarted here, and the
# rest keep serving: nginx sends its browsers to the others. Without nginx or the alert worker,
# or with no replica left, everything stops and the exit status is 1 (a service manager then
# restarts the whole set).
live=$replicas
while true; do
  set +e
  wait -n -p ended "${pids[@]}"
  status=$?
  set -e
  [ -n "${ended:-}" ] || continue
  what=${role[$ended]}
  remaining=()
  for pid in "${pids[@]}"; do [ "$pid" != "$ended" ] && remaining+=("$pid"); done
  pids=("${remaining[@]}")
  if [ "$ended" = "$proxy" ] || [ "$ended" = "$worker" ]; then
    echo "$what exited with status $status: stopping the cluster" >&2
    stop
    exit 1
  fi
  live=$((live - 1))
  if [ "$live" -le 0 ]; then
    echo "$what exited with status $status and no replica is left: stopping the cluster" >&2
    stop
    exit 1
  fi
  echo "$what exited with status $status; still serving on $live replica(s)" >&2
  unset ended
done
