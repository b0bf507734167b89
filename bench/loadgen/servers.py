"""The servers bench/capacity.py measures, and what it reads of them from /proc.

- ``replica``: one ``streamlit run <script>`` from the checkout's root (so both the app and the
  bare floor get the checkout's .streamlit/config.toml), headless on a free port;
- ``cluster``: scripts/run-cluster.sh (PostgreSQL, N replicas, nginx with TLS and sticky
  sessions), with a certificate made here so the client trusts exactly that one;
- ``fresh_postgres``: a migrated, throwaway database, dropped afterwards;
- ``cpu_seconds`` / ``rss_mib``: the processes' CPU time and resident memory, from /proc.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("IOP_TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
START_TIMEOUT = 180.0  # the cluster script installs requirements and migrates first
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Target:
    """Where the virtual participants go, and the server processes to watch."""

    url: str
    pids: list[int]
    ca_file: str | None = None
    logs: list[Path] = field(default_factory=list)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{log.name}: the server exited ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{log.name}: no /_stcore/health within {START_TIMEOUT:.0f} s; see {log}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def replica(script: str, env: dict[str, str], log: Path) -> Iterator[Target]:
    """``streamlit run <script>`` until the block ends, as tests.support.browser_driver.run_app
    starts the app (no file watcher: an edit mid-run would stall the sessions)."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("streamlit")),
        "run",
        script,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(process, url, log)
        yield Target(url, [process.pid], logs=[log])
    finally:
        _stop(process)


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, made for this run only."""
    cert, key = folder / "capacity-tls.crt", folder / "capacity-tls.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-days", "2", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def cluster(env: dict[str, str], log: Path, replicas: int = 2) -> Iterator[Target]:
    """scripts/run-cluster.sh until the block ends (SIGTERM stops all it started). It prints
    each replica's pid and, once everything answers, the proxy's https URL."""
    cert, key = self_signed(log.parent)
    port = free_port()
    env = {**env, "IOP_CLUSTER_PORT": str(port), "IOP_REPLICAS": str(replicas)}
    env |= {"IOP_TLS_CERT": str(cert), "IOP_TLS_KEY": str(key)}
    out = log.open("w")
    process = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run-cluster.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=out,
        text=True,
    )
    try:
        pids: list[int] = []
        url = None
        deadline = time.monotonic() + START_TIMEOUT
        assert process.stdout is not None
        for line in process.stdout:  # the script prints its URL last, then stays in the foreground
            out.write(line)
            out.flush()
            if match := re.match(r"replica \d+: \S+ pid (\d+)", line):
                pids.append(int(match.group(1)))
            if line.startswith("https://"):
                url = line.strip().rstrip("/")
                break
            if time.monotonic() > deadline:
                break
        if url is None or len(pids) != replicas:
            raise RuntimeError(f"scripts/run-cluster.sh did not start; see {log}")
        yield Target(url, pids, ca_file=str(cert), logs=[log])
    finally:
        _stop(process)
        out.close()


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A migrated, empty PostgreSQL database as a DATABASE_URL, dropped when the block ends."""
    from intake.db import dispose_engine, get_engine

    name = f"iop_capacity_{secrets.token_hex(4)}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        get_engine(url)  # migrates
        dispose_engine(url)
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    engine.dispose()


def rss_mib(pids: list[int]) -> float:
    """Resident memory of these processes together (VmRSS), MiB; a gone process counts 0."""
    total_kib = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kib += int(match.group(1)) if match else 0
    return total_kib / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes together (threads included), seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLK_TCK
