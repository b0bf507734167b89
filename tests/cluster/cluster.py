"""``scripts/run-cluster.sh`` as a test runs it: on a free port, on a PostgreSQL database of its
own (dropped afterwards), with the tests' certificate, stopped with SIGTERM, and nothing it
started left running.

Which replica serves a browser: the script prints each replica's port and pid, and a browser's
page holds exactly one long-lived connection through nginx to its replica, the WebSocket
(``/_stcore/stream``; nginx keeps no idle HTTP connections to the replicas, so every other
request's connection is closed when it is answered). ``ss`` lists established connections per
port without needing privileges or the other processes' file tables.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from intake.db import dispose_engine, make_engine
from tests.e2e.staff_driver import StaffServer
from tests.support.browser_driver import APP_ROOT, E2E_FIELD_KEY, free_port, unseal

from .tls import Pki

SCRIPT = APP_ROOT / "scripts" / "run-cluster.sh"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# pip's check, migrations and the replicas' imports, on 2 busy cores.
START_TIMEOUT = 240.0
STOP_TIMEOUT = 30.0
_REPLICA_LINE = re.compile(r"^replica (\d+): http://127\.0\.0\.1:(\d+) pid (\d+)$")


@dataclass(frozen=True)
class Replica:
    number: int
    port: int
    pid: int

    def alive(self) -> bool:
        return _alive(self.pid)


@dataclass
class Cluster:
    url: str  # https://localhost:PORT/ as the script printed it, without the final slash
    port: int
    replicas: list[Replica]
    database_url: str
    output: Path  # the script's own output (stdout and stderr)
    process: subprocess.Popen[str]
    killed: list[Replica] = field(default_factory=list)

    # -- replicas ---------------------------------------------------------------------------
    def connections(self) -> dict[Replica, int]:
        """Established connections to each live replica's port (nginx's proxied WebSockets)."""
        counts = {}
        for replica in self.replicas:
            if replica in self.killed:
                continue
            out = subprocess.run(
                ["ss", "-Htn", "state", "established", f"( sport = :{replica.port} )"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            counts[replica] = len([line for line in out.splitlines() if line.strip()])
        return counts

    def serving(self, timeout: float = 20.0) -> Replica:
        """The replica holding the one open browser page's WebSocket (only one page may be open)."""
        deadline = time.monotonic() + timeout
        while True:
            counts = self.connections()
            busy = [replica for replica, n in counts.items() if n]
            if len(busy) == 1 and counts[busy[0]] == 1:
                return busy[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"not one WebSocket on one replica: {counts}")
            time.sleep(0.2)

    def kill(self, replica: Replica) -> None:
        """SIGKILL: no goodbye to the browser, as when a machine or process dies."""
        os.kill(replica.pid, signal.SIGKILL)
        self.killed.append(replica)
        deadline = time.monotonic() + 10
        while replica.alive():
            assert time.monotonic() < deadline, f"replica {replica.number} outlived SIGKILL"
            time.sleep(0.05)

    def running(self) -> bool:
        return self.process.poll() is None

    # -- what the replicas stored --------------------------------------------------------------
    def screens(self) -> list[dict]:
        """Every stored screen: reference, respondent, answers, disposition."""
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT reference, respondent, answers, disposition FROM screens ORDER BY id")
                ).all()
        finally:
            engine.dispose()
        return [
            {"reference": r[0], "respondent": r[1], "answers": unseal(r[2]), "disposition": r[3]}
            for r in rows
        ]

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.read_text(errors="replace").splitlines()[-lines:])


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by its parent, counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def descendants(pid: int) -> dict[int, str]:
    """Every process under ``pid`` (children, theirs, ...), with its command line."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                try:
                    found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    found[child] = "?"
                todo.append(child)
    return found


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one cluster; dropped (connections and all) after."""
    name = f"iop_cluster_{secrets.token_hex(4)}"
    admin = make_engine(f"{POSTGRES}/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{POSTGRES}/{name}"
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _drain(stream, log: Path, lines: list[str], ready: threading.Event) -> None:
    with log.open("a", encoding="utf-8") as out:
        for line in stream:
            out.write(line)
            out.flush()
            lines.append(line.rstrip("\n"))
            if line.startswith("https://"):
                ready.set()
    ready.set()  # the script ended: stop waiting


@contextmanager
def run_cluster(folder: Path, pki: Pki, *, replicas: int = 2) -> Iterator[Cluster]:
    with fresh_database() as database_url:
        port = free_port()
        env = {
            **os.environ,
            "IOP_CLUSTER_PORT": str(port),
            "IOP_REPLICAS": str(replicas),
            "DATABASE_URL": database_url,
            "IOP_TLS_CERT": str(pki.server_cert),
            "IOP_TLS_KEY": str(pki.server_key),
            # The tests' key, so they can read what the replicas stored (browser_driver.unseal).
            "IOP_FIELD_KEY": E2E_FIELD_KEY,
        }
        for name in ("STREAMLIT_SERVER_COOKIE_SECRET", "IOP_TRUSTED_PROXIES", "IOP_ENV"):
            env.pop(name, None)
        output = folder / "run-cluster.out"
        process = subprocess.Popen(
            ["bash", str(SCRIPT)],
            cwd=APP_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        ready = threading.Event()
        threading.Thread(target=_drain, args=(process.stdout, output, lines, ready), daemon=True).start()
        try:
            cluster = _started(process, ready, lines, output, port, database_url)
            yield cluster
        finally:
            _stop(process, output)
        # The script's logs and nginx prefix for this port (kept by the script for a look after a
        # crash); the copy of its output in ``folder`` stays.
        shutil.rmtree(APP_ROOT / "data" / "cluster" / f"port-{port}", ignore_errors=True)


def _started(
    process: subprocess.Popen[str],
    ready: threading.Event,
    lines: list[str],
    output: Path,
    port: int,
    database_url: str,
) -> Cluster:
    ready.wait(START_TIMEOUT)
    url = next((line for line in lines if line.startswith("https://")), None)
    if url is None:
        raise RuntimeError(
            f"run-cluster.sh printed no URL within {START_TIMEOUT:.0f} s "
            f"(exit {process.poll()}):\n" + output.read_text(errors="replace")
        )
    assert url == f"https://localhost:{port}/", url
    replicas = [
        Replica(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        for m in (_REPLICA_LINE.match(line) for line in lines)
        if m
    ]
    children = descendants(process.pid)
    for replica in replicas:
        assert "streamlit run app.py" in children.get(replica.pid, ""), (replica, children)
    return Cluster(url.rstrip("/"), port, replicas, database_url, output, process)


def _stop(process: subprocess.Popen[str], output: Path) -> None:
    """SIGTERM to the script alone; then everything it started must be gone."""
    started = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    survivors = {pid: cmd for pid, cmd in started.items() if _alive(pid)}
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)  # only what this script started, by pid
    assert not survivors, f"still running after SIGTERM to run-cluster.sh: {survivors}\n" + output.read_text(
        errors="replace"
    )


@dataclass(frozen=True)
class ClusterDatabase(StaffServer):
    """What tests/e2e/staff_driver's CLI helpers need (``python -m intake`` on the cluster's
    database and key), for the cluster's PostgreSQL database instead of a SQLite file;
    ``database`` only names a folder for import files."""

    postgres_url: str = ""

    @property
    def database_url(self) -> str:
        return self.postgres_url


def cluster_database(cluster: Cluster, folder: Path) -> ClusterDatabase:
    return ClusterDatabase(cluster.url, folder / "cli.db", E2E_FIELD_KEY, cluster.database_url)
