"""The staff queue over a million stored screens, on SQLite and PostgreSQL; and import throughput.

    python bench/queue_scale.py [--rows 1000000] [--reps 5] [--backends sqlite,postgresql]
                                [--import-count 10000] [--reload] [--quick]

Loading (once; cached under bench/out/ and reused by later runs):
  ~2,000 distinct random screens (scoring.sample.random_screen + scoring.evaluate, scored once)
  become ROWS stored screens through intake.submission.prepare_screen, each with a fresh id,
  reference, submission key and submitted_at (three years, oldest first), a status by age (recent:
  mostly open; older: closed) and four staff members for assignments. SQLite: insert_prepared
  in one write transaction per 10,000 screens. PostgreSQL: the same prepared rows by COPY, then
  VACUUM ANALYZE (what autovacuum would do after a backlog load). The one shortcut besides
  scoring: each template's JSON text is serialized once, not once per row (and for COPY, its
  sealed answers and result encrypted once: rows of one template share a token, of the same size).
  Caches: bench/out/queue_<size>.db (+ .json) and the PostgreSQL database iop_bench_<size>
  (iop_bench_1m for a million), marked complete in its COMMENT; --reload rebuilds them.

Measuring (a fresh child process per backend, so its peak RSS is the queries' and not the load's):
  intake.queue.queue_page, 50 a page, first page and the next (keyset cursor), for each filter
  below; median of REPS (warm caches), each in its own read session, with the app's own engine
  settings. The matching counts are tallied while generating, and every page is checked against
  them. Peak Python memory per query (tracemalloc, a separate pass) and the child's peak RSS
  (VmHWM) before and after all queries: a query that loaded every row would show there at once.
  The SQLite loader alone gets a 512 MB page cache; the queries run with the app's settings.

Reading sealed screens (answers and results are encrypted at rest): in the same child, what
decrypts and what must not. The review page's read (intake.review.get_screen, 50 screens spread
over the table, each in its own read session, median of all calls); the insights page's domain
levels over the last 365 days (plain columns, median of REPS); and a JSONL export of the
one-week filter above (every row decrypted; median of REPS).

Import: `python -m intake import --format jsonl FILE` of IMPORT_COUNT fresh random screens
(validated and scored on the way in) into an empty migrated database, whole process, beside the
same command on an empty file (the process start-up floor, median of 3).

--tag SUFFIX names the cached databases queue_<size><SUFFIX>, so two checkouts (before and after
a change) can keep theirs side by side and be measured in turn.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import random
import resource
import secrets
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402


def _bench_key() -> str:
    """The cached databases' field key, kept beside them: a later run must decrypt what an
    earlier one sealed (and the app refuses to start with a key its data was not written with)."""
    path = OUT / "bench_field.key"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()


# Before anything reads settings: development mode, the benchmark's own field key (the answers
# and results are sealed with it; nothing the queue reads is), never the checkout's ./data database.
os.environ["IOP_ENV"] = "development"
if not os.environ.get("IOP_FIELD_KEY"):
    os.environ["IOP_FIELD_KEY"] = _bench_key()
os.environ["DATABASE_URL"] = f"sqlite:///{OUT / 'unused.db'}"

from sqlalchemy import event, select, text  # noqa: E402

from intake import insights  # noqa: E402
from intake.codes import ALPHABET, REFERENCE_PREFIX, group  # noqa: E402
from intake.crypto import EncryptedJSON  # noqa: E402
from intake.db import dispose_engine, get_engine, make_engine, read_session, write_session  # noqa: E402
from intake.models import Screen, ScreenFlag  # noqa: E402
from intake.queue import QueueFilters, overdue_urgent, queue_page  # noqa: E402
from intake.review import get_screen  # noqa: E402
from intake.staff import add_staff  # noqa: E402
from intake.submission import insert_prepared, prepare_screen  # noqa: E402
from intake.vocab import OPEN, WAITING  # noqa: E402

PG_ADMIN_URL = os.environ.get("IOP_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEMPLATES = 2000
SPAN = timedelta(days=3 * 365)
PAGE_SIZE = 50
BATCH = 10_000
STAFF = 4
URGENT_WAIT = timedelta(minutes=30)  # IOP_URGENT_WAIT_MINUTES default, for the expected count
REVIEWS = 50  # screens opened for review per measurement, spread over the table
TAG = ""  # --tag: a suffix for the cached databases' names


def size_label(rows: int) -> str:
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}m"
    if rows % 1000 == 0:
        return f"{rows // 1000}k"
    return str(rows)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the rows ------------------------------------------------------------------------------------


def make_templates(seed: int) -> list[tuple[str, dict, dict]]:
    from scoring import evaluate
    from scoring.sample import random_screen

    rng = random.Random(seed)
    templates = []
    for _ in range(TEMPLATES):
        screen = random_screen(rng)
        templates.append((screen["respondent"], screen["answers"], evaluate(screen)))
    return templates


class CachedJson:
    """json.dumps, once per template object (rows share their template's answers and result); and
    for COPY into sealed columns, the template's Fernet token, also made once."""

    def __init__(self, templates: list[tuple[str, dict, dict]]) -> None:
        self.text = {id(o): json.dumps(o) for _, answers, result in templates for o in (answers, result)}
        self.keep = templates  # the ids above stay valid while the objects live

        self.copy = {key: _copy_escape(value) for key, value in self.text.items()}
        self.sealed: dict[int, str] = {}

    def __call__(self, value: object) -> str:
        cached = self.text.get(id(value))
        return cached if cached is not None else json.dumps(value)

    def copy_text(self, value: object) -> str:
        cached = self.copy.get(id(value))
        return cached if cached is not None else _copy_escape(json.dumps(value))

    def sealed_text(self, value: object, column_type: EncryptedJSON) -> str:
        token = self.sealed.get(id(value))
        if token is None:
            token = column_type.process_bind_param(value, None)
            assert token is not None, "only None seals to NULL"
            if id(value) in self.text:
                self.sealed[id(value)] = token
        return token  # url-safe base64: nothing for COPY to escape


def reference_for(index: int) -> str:
    """A distinct reference per row without keeping a million in a set: an odd multiplier is a
    bijection of the 40-bit space, so the references look random and never collide."""
    n = (index * 0x9E3779B97F + 0x5DEECE66D) % (1 << 40)
    return REFERENCE_PREFIX + group("".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(8)))


def _weights(**weights: int) -> tuple[list[str], list[int]]:
    names = list(weights)
    running, cumulative = 0, []
    for name in names:
        running += weights[name]
        cumulative.append(running)
    return names, cumulative


CLOSED = {"admitted": 40, "referred_elsewhere": 30, "closed_no_contact": 30}
# By age: the last two days mostly waiting, the last two weeks in follow-up, older ones closed.
STATUS_BY_AGE = [
    (timedelta(days=2), _weights(new=60, in_review=25, contacted=15)),
    (
        timedelta(days=14),
        _weights(
            new=5,
            in_review=15,
            contacted=30,
            scheduled=30,
            admitted=10,
            referred_elsewhere=5,
            closed_no_contact=5,
        ),
    ),
    (timedelta(days=60), _weights(scheduled=5, **CLOSED)),
    (SPAN * 2, _weights(**CLOSED)),
]


def status_for(age: timedelta, rng: random.Random) -> str:
    if age >= STATUS_BY_AGE[1][0] and rng.random() < 0.002:
        return "new"  # a few forgotten ones: the status filter must still find them in order
    names, cumulative = next(w for limit, w in STATUS_BY_AGE if age < limit)
    return rng.choices(names, cum_weights=cumulative)[0]


def generate(rows: int, templates: list, now: datetime, staff_ids: list[int], seed: int) -> Iterator:
    """The prepared screens, oldest first (as a backlog would be loaded)."""
    rng = random.Random(seed + 1)
    start = now - SPAN
    step = SPAN / rows
    for index in range(rows):
        respondent, answers, result = templates[rng.randrange(len(templates))]
        submitted = start + step * (index + rng.random())
        prepared = prepare_screen(
            submission_key=f"bench:{index}",
            respondent=respondent,
            answers=answers,
            result=result,
            consent_version="bench",
            consented_at=submitted - timedelta(minutes=12),
            submitted_at=submitted,
            now=submitted,
        )
        screen = prepared.screen
        screen["reference"] = reference_for(index)
        status = status_for(now - submitted, rng)
        screen["status"] = status
        if status != "new":
            screen["assigned_to"] = rng.choice(staff_ids)
        if status not in ("new", "in_review", "closed_no_contact"):
            screen["first_contact_at"] = min(now, submitted + timedelta(hours=rng.uniform(1, 48)))
        yield prepared


def batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the filters, and how many rows each should match --------------------------------------------


def choose_filters(templates: list, rows: int, now: datetime, staff_ids: list[int]) -> list[dict]:
    """(name, QueueFilters keywords as JSON) per filter; dates as ISO strings."""
    flag_counts: dict[str, int] = {}
    for _, _, result in templates:
        for flag in result["flags"]:
            flag_counts[flag] = flag_counts.get(flag, 0) + 1
    # The rarest flag a program would still see often (≥ 2 % of screens): a long index walk.
    flag = min((c, f) for f, c in flag_counts.items() if c >= 0.02 * len(templates))[1]
    week_end = (now - timedelta(days=394)).date()
    week_start = week_end - timedelta(days=6)
    reference = reference_for(rows // 2)
    return [
        {"name": "no filter (all statuses)", "filters": {}},
        {"name": "open statuses (the queue's default; 4 ranges merged)", "filters": {"status": list(OPEN)}},
        {"name": "status = new", "filters": {"status": "new"}},
        {"name": f"flag = {flag} (all statuses)", "filters": {"flag": flag}},
        {"name": f"open statuses + flag = {flag}", "filters": {"status": list(OPEN), "flag": flag}},
        {"name": "disposition = iop", "filters": {"disposition": "iop"}},
        {"name": "respondent = loved_one", "filters": {"respondent": "loved_one"}},
        {
            "name": "submitted in one week, 13 months ago",
            "filters": {"submitted_from": week_start.isoformat(), "submitted_until": week_end.isoformat()},
        },
        {"name": "reference, whole (IOP-XXXX-XXXX)", "filters": {"reference": reference}},
        {"name": "reference, first 2 symbols", "filters": {"reference": reference[:6]}},
        {"name": "open + assigned to me", "filters": {"status": list(OPEN), "assigned_to": staff_ids[0]}},
    ]


def to_filters(spec: dict) -> QueueFilters:
    from datetime import date

    kwargs = dict(spec)
    for name in ("submitted_from", "submitted_until"):
        if name in kwargs:
            kwargs[name] = date.fromisoformat(kwargs[name])
    return QueueFilters(**kwargs)


def matcher(spec: dict):
    """The filter as a Python test on a prepared row, to count its matches while generating (so
    no COUNT(*) over a million rows later); checked against what queue_page returns."""
    from intake.codes import reference_bounds

    f = to_filters(spec)
    statuses = {f.status} if isinstance(f.status, str) else set(f.status or ())
    fields = [
        (n, getattr(f, n)) for n in ("disposition", "respondent", "assigned_to") if getattr(f, n) is not None
    ]
    low = datetime.combine(f.submitted_from, datetime.min.time(), UTC) if f.submitted_from else None
    high = (
        datetime.combine(f.submitted_until + timedelta(days=1), datetime.min.time(), UTC)
        if f.submitted_until
        else None
    )
    bounds = reference_bounds(f.reference) if f.reference else None

    def test(screen: dict, flags: set[str]) -> bool:
        return (
            (not statuses or screen["status"] in statuses)
            and all(screen[name] == value for name, value in fields)
            and (f.flag is None or f.flag in flags)
            and (low is None or screen["submitted_at"] >= low)
            and (high is None or screen["submitted_at"] < high)
            and (bounds is None or bounds[0] <= screen["reference"] <= bounds[1])
        )

    return test


# --- loading -------------------------------------------------------------------------------------


def pg_connect(url: str):
    import psycopg2
    from sqlalchemy import make_url

    u = make_url(url)
    conn = psycopg2.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, dbname=u.database
    )
    conn.autocommit = True
    return conn


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def cached_meta(backend: str, label: str, rows: int, seed: int) -> dict | None:
    if backend == "sqlite":
        meta_path, db_path = OUT / f"queue_{label}.json", OUT / f"queue_{label}.db"
        if not (meta_path.exists() and db_path.exists()):
            return None
        meta = json.loads(meta_path.read_text())
    else:
        conn = pg_connect(PG_ADMIN_URL)
        with conn.cursor() as cur:
            cur.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (f"iop_bench_{label}",),
            )
            row = cur.fetchone()
        conn.close()
        if row is None or not row[0]:
            return None
        meta = json.loads(row[0])
    return meta if meta.get("rows") == rows and meta.get("seed") == seed else None


def fresh_database(backend: str, label: str) -> str:
    if backend == "sqlite":
        path = OUT / f"queue_{label}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        (OUT / f"queue_{label}.json").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = f"iop_bench_{label}"
    conn = pg_connect(PG_ADMIN_URL)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return pg_url(name)


def database_url(backend: str, label: str) -> str:
    return f"sqlite:///{OUT / f'queue_{label}.db'}" if backend == "sqlite" else pg_url(f"iop_bench_{label}")


def add_bench_staff(url: str, now: datetime) -> list[int]:
    ids = []
    with write_session(get_engine(url)) as session:
        for n in range(STAFF):
            # A long random password passes the strength check; nobody signs in with it.
            member, _ = add_staff(
                session, f"intake{n}@bench.example", "intake", secrets.token_urlsafe(24), now=now
            )
            ids.append(member.id)
    return ids


def load(backend: str, label: str, rows: int, seed: int) -> dict:
    """Build the database from scratch; return its meta (also stored with it)."""
    from intake import passwords

    url = fresh_database(backend, label)
    now = datetime.now(UTC).replace(microsecond=0)
    get_engine(url)  # migrate
    # Still argon2id, at its smallest cost: these four accounts are never signed in to.
    passwords.hasher = type(passwords.hasher)(time_cost=1, memory_cost=8, parallelism=1)
    staff_ids = add_bench_staff(url, now)
    log(f"[{backend}] scoring {TEMPLATES} template screens once")
    templates = make_templates(seed)
    filters = choose_filters(templates, rows, now, staff_ids)
    counts = [0] * len(filters)
    tests = [matcher(spec["filters"]) for spec in filters]
    overdue = 0
    dumps = CachedJson(templates)
    start = time.perf_counter()
    done = 0
    store = _store_sqlite(url, dumps) if backend == "sqlite" else _store_pg(url, dumps)
    next(store)
    for batch in batches(generate(rows, templates, now, staff_ids, seed), BATCH):
        for prepared in batch:
            screen, flags = prepared.screen, {f["flag"] for f in prepared.flags}
            for i, test in enumerate(tests):
                counts[i] += test(screen, flags)
            overdue += (
                screen["priority"] == 0
                and screen["status"] in WAITING
                and now - screen["submitted_at"] > URGENT_WAIT
            )
        store.send(batch)
        done += len(batch)
        if done % 100_000 == 0 or done == rows:
            elapsed = time.perf_counter() - start
            log(f"[{backend}] {done:,} / {rows:,} screens, {done / elapsed:,.0f} a second")
    store.close()
    load_seconds = time.perf_counter() - start
    finish_start = time.perf_counter()
    if backend == "postgresql":
        conn = pg_connect(url)
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        conn.close()
    dispose_engine(url)  # SQLite: checkpoints the WAL into the file
    meta = {
        "rows": rows,
        "seed": seed,
        "now": now.isoformat(),
        "staff_ids": staff_ids,
        "filters": [{**spec, "expected": count} for spec, count in zip(filters, counts, strict=True)],
        "overdue_expected": overdue,
        "flag_rows": None,
        "load_seconds": load_seconds,
        "finish_seconds": time.perf_counter() - finish_start,
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with read_session(get_engine(url)) as session:
        meta["flag_rows"] = session.scalar(select(text("count(*)")).select_from(ScreenFlag))
        assert session.scalar(select(text("count(*)")).select_from(Screen)) == rows
    dispose_engine(url)
    if backend == "sqlite":
        (OUT / f"queue_{label}.json").write_text(json.dumps(meta, indent=1))
    else:
        conn = pg_connect(PG_ADMIN_URL)
        with conn.cursor() as cur:
            # Written last: a load cut short leaves no comment, and the next run starts again.
            cur.execute(f'COMMENT ON DATABASE "iop_bench_{label}" IS %s', (json.dumps(meta),))
        conn.close()
    return meta


def _store_sqlite(url: str, dumps: CachedJson):
    engine = make_engine(url)  # the loader's own engine, not the one the queries use
    engine.dialect._json_serializer = dumps

    @event.listens_for(engine, "connect")
    def _big_cache(dbapi_conn, _record) -> None:
        # Random ids and references land all over six indexes: a 512 MB page cache keeps the
        # load from re-reading pages. Loader only; the queries run with the app's settings.
        dbapi_conn.execute("PRAGMA cache_size = -524288")

    try:
        while True:
            batch = yield
            with write_session(engine) as session:
                insert_prepared(session, batch)
    finally:
        engine.dispose()


def _copy_escape(value: str) -> str:
    # COPY's text format: backslash, tab, newline and carriage return are escaped.
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_field(value: object, dumps: CachedJson, column_type: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(column_type, EncryptedJSON):  # answers and result, sealed as the app seals them
        return dumps.sealed_text(value, column_type)
    if isinstance(value, dict | list):
        return dumps.copy_text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return _copy_escape(str(value))


def _store_pg(url: str, dumps: CachedJson):
    """COPY in text format; each template's JSON is escaped once, so a row costs a string join."""
    conn = pg_connect(url)
    conn.autocommit = False
    tables = [
        (Screen.__table__, lambda batch: [p.screen for p in batch]),
        (ScreenFlag.__table__, lambda batch: [f for p in batch for f in p.flags]),
    ]
    try:
        while True:
            batch = yield
            with conn.cursor() as cur:
                for table, rows_of in tables:
                    names = [c.name for c in table.columns]
                    types = [c.type for c in table.columns]
                    lines = [
                        "\t".join([_copy_field(row[n], dumps, t) for n, t in zip(names, types, strict=True)])
                        for row in rows_of(batch)
                    ]
                    buffer = io.StringIO("\n".join(lines) + "\n")
                    cur.copy_expert(f"COPY {table.name} ({', '.join(names)}) FROM STDIN", buffer)
            conn.commit()
    finally:
        conn.close()


def ensure_loaded(backend: str, rows: int, seed: int, reload: bool) -> dict:
    label = size_label(rows) + TAG
    meta = None if reload else cached_meta(backend, label, rows, seed)
    if meta is not None:
        log(f"[{backend}] reusing the {rows:,}-screen database loaded {meta['loaded_at']}")
        meta["cached"] = True
        return meta
    log(f"[{backend}] loading {rows:,} screens (cached for later runs)")
    meta = load(backend, label, rows, seed)
    meta["cached"] = False
    return meta


# --- measuring (in a child process) --------------------------------------------------------------


def max_rss_mib() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries the parent's high-water mark
    into ru_maxrss across fork and exec, so a child of the loader would report the loader's."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def measure(url: str, meta: dict, reps: int) -> dict:
    engine = get_engine(url)
    now = datetime.fromisoformat(meta["now"])
    with read_session(engine) as session:
        session.execute(select(text("1")))  # connect and warm the pool outside the timings
    gc.collect()
    rss_before = max_rss_mib()

    def page(filters: QueueFilters, after: str | None = None):
        with read_session(engine) as session:
            return queue_page(session, filters, page_size=PAGE_SIZE, after=after, now=now)

    def overdue():
        with read_session(engine) as session:
            return overdue_urgent(session, now=now, limit=20)

    results = []
    for spec in meta["filters"]:
        filters = to_filters(spec["filters"])
        first_times, next_times, problems = [], [], []
        for _ in range(reps):
            t0 = time.perf_counter()
            first = page(filters)
            first_times.append(time.perf_counter() - t0)
            if first.has_next:
                t0 = time.perf_counter()
                second = page(filters, first.next_after)
                next_times.append(time.perf_counter() - t0)
        expected = spec["expected"]
        if len(first.rows) != min(expected, PAGE_SIZE) or first.has_next != (expected > PAGE_SIZE):
            problems.append(f"first page has {len(first.rows)} rows, has_next={first.has_next}")
        if first.has_next and len(second.rows) != min(expected - PAGE_SIZE, PAGE_SIZE):
            problems.append(f"next page has {len(second.rows)} rows")
        tracemalloc.start()
        tracemalloc.reset_peak()
        first = page(filters)
        if first.has_next:
            page(filters, first.next_after)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results.append(
            {
                "name": spec["name"],
                "expected": expected,
                "first": statistics.median(first_times),
                "next": statistics.median(next_times) if next_times else None,
                "peak_kib": peak / 1024,
                "problems": problems,
            }
        )
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        late = overdue()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    overdue()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    expected = meta["overdue_expected"]
    results.append(
        {
            "name": "overdue urgent banner (overdue_urgent, 20)",
            "expected": expected,
            "first": statistics.median(times),
            "next": None,
            "peak_kib": peak / 1024,
            "problems": [] if len(late) == min(expected, 20) else [f"{len(late)} rows, {expected} expected"],
        }
    )
    reads = measure_sealed(engine, meta, reps, now)
    return {"results": results, "reads": reads, "rss_before": rss_before, "rss_after": max_rss_mib()}


def measure_sealed(engine, meta: dict, reps: int, now: datetime) -> list[dict]:
    """What decrypts (the review page's read, a JSONL export) and what must not (insights)."""
    from intake.exchange import export_jsonl

    rows = meta["rows"]
    references = [reference_for(i) for i in range(0, rows, max(1, rows // REVIEWS))][:REVIEWS]
    times = []
    for _ in range(reps):
        for reference in references:
            t0 = time.perf_counter()
            with read_session(engine) as session:
                detail = get_screen(session, reference, now=now)
            times.append(time.perf_counter() - t0)
            assert (
                detail is not None and detail.answers and detail.result["disposition"] == detail.disposition
            )
    reads = [
        {
            "name": "review page read (get_screen: answers and result)",
            "screens": 1,
            "ms": statistics.median(times),
        }
    ]

    until = now.date()
    since = until - timedelta(days=364)
    times, counted = [], 0
    for _ in range(reps):
        t0 = time.perf_counter()
        with read_session(engine) as session:
            levels = insights.domain_levels(session, since, until)
        times.append(time.perf_counter() - t0)
        counted = sum(levels["dual_diagnosis"].values())
    reads.append(
        {"name": "insights: domain levels, last 365 days", "screens": counted, "ms": statistics.median(times)}
    )

    week = next(spec for spec in meta["filters"] if spec["name"].startswith("submitted in one week"))
    times, exported = [], 0
    for _ in range(reps):
        out = io.StringIO()
        t0 = time.perf_counter()
        exported = export_jsonl(engine, out, filters=to_filters(week["filters"]), actor="bench")
        times.append(time.perf_counter() - t0)
    assert exported == week["expected"], (exported, week["expected"])
    reads.append(
        {
            "name": "JSONL export, one week (every row decrypted)",
            "screens": exported,
            "ms": statistics.median(times),
        }
    )
    return reads


def measure_in_child(backend: str, url: str, meta: dict, reps: int) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    meta_path = OUT / f"queue_measure_{backend}.json"
    meta_path.write_text(json.dumps(meta))
    command = [sys.executable, __file__, "--measure", url, "--meta", str(meta_path), "--reps", str(reps)]
    log(f"[{backend}] timing queue pages in a fresh process")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {backend} failed:\n{done.stderr}")
    return json.loads(done.stdout)


# --- import throughput ---------------------------------------------------------------------------


def import_file(count: int, seed: int) -> Path:
    from scoring.sample import random_screen

    path = OUT / f"import_{size_label(count)}_{seed}.jsonl"
    if not path.exists():
        rng = random.Random(seed + 2)
        with path.open("w") as fh:
            for _ in range(count):
                fh.write(json.dumps(random_screen(rng)) + "\n")
    return path


def time_import(backend: str, path: Path) -> float:
    """Seconds for `python -m intake import` of ``path`` into a new, migrated, empty database."""
    if backend == "sqlite":
        db = OUT / f"import_{secrets.token_hex(4)}.db"
        url = f"sqlite:///{db}"
    else:
        name = f"iop_bench_import_{secrets.token_hex(4)}"
        conn = pg_connect(PG_ADMIN_URL)
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
        conn.close()
        url = pg_url(name)
    try:
        get_engine(url)  # migrated beforehand: the import times storing, not the first migration
        dispose_engine(url)
        env = {**os.environ, "DATABASE_URL": url}
        command = [sys.executable, "-m", "intake", "import", "--format", "jsonl", str(path)]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        lines = sum(1 for line in path.open() if line.strip())
        if done.returncode != 0 or not done.stdout.startswith(f"{lines} stored, 0 refused"):
            raise RuntimeError(f"import into {backend} failed: {done.stdout}{done.stderr}")
        return seconds
    finally:
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        else:
            conn = pg_connect(PG_ADMIN_URL)
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.close()


# --- migrating a cached database ----------------------------------------------------------------


def time_migration(backend: str, label: str) -> tuple[float, int]:
    """Seconds to migrate a copy of the cached database (loaded by an older checkout) to head,
    with this checkout's migrations: the copy, not the cache, is changed and then deleted."""
    import shutil

    if backend == "sqlite":
        copy = OUT / f"migrate_{secrets.token_hex(4)}.db"
        shutil.copyfile(OUT / f"queue_{label}.db", copy)
        url = f"sqlite:///{copy}"
    else:
        name = f"iop_bench_migrate_{secrets.token_hex(4)}"
        conn = pg_connect(PG_ADMIN_URL)
        conn.cursor().execute(f'CREATE DATABASE "{name}" TEMPLATE "iop_bench_{label}"')
        conn.close()
        url = pg_url(name)
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            rows = session.scalar(select(text("count(*)")).select_from(Screen))
        log(f"[{backend}] migrating a copy of {rows:,} screens to head")
        start = time.perf_counter()
        from intake.db import migrate

        migrate(engine)
        return time.perf_counter() - start, rows
    finally:
        engine.dispose()
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        else:
            conn = pg_connect(PG_ADMIN_URL)
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.close()


# --- the report ----------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


def print_report(rows: int, reps: int, measured: dict, metas: dict, imports: dict, import_count: int) -> None:
    backends = list(measured)
    print(
        f"Staff queue over {rows:,} stored screens, {PAGE_SIZE} a page, median of {reps} (warm caches); "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores"
    )
    print()
    head = "| filter | matching screens |"
    rule = "|---|---:|"
    for backend in backends:
        head += f" {backend} first page ms | {backend} next page ms | {backend} peak KiB |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    first_rows = measured[backends[0]]["results"]
    problems = []
    for index, row in enumerate(first_rows):
        line = f"| {row['name']} | {row['expected']:,} |"
        for backend in backends:
            r = measured[backend]["results"][index]
            line += f" {ms(r['first'])} | {ms(r['next'])} | {r['peak_kib']:,.0f} |"
            problems += [f"{backend}, {r['name']}: {p}" for p in r["problems"]]
        print(line)
    print()
    print(
        "| backend | screens | flag rows | load | screens a second | RSS after start-up MiB | peak RSS after all queries MiB |"
    )
    print("|---|---:|---:|---|---:|---:|---:|")
    for backend in backends:
        meta, m = metas[backend], measured[backend]
        when = "cached, loaded" if meta["cached"] else "loaded now in"
        print(
            f"| {backend} | {meta['rows']:,} | {meta['flag_rows']:,} | {when} {meta['load_seconds']:.0f} s "
            f"(+{meta['finish_seconds']:.0f} s checkpoint/VACUUM ANALYZE) | {meta['rows'] / meta['load_seconds']:,.0f} | "
            f"{m['rss_before']:.0f} | {m['rss_after']:.0f} |"
        )
    slowest = {
        b: max(measured[b]["results"], key=lambda r: max(r["first"], r["next"] or 0)) for b in backends
    }
    print()
    for backend, row in slowest.items():
        worst = max(row["first"], row["next"] or 0)
        print(f"Slowest page on {backend}: {row['name']} ({ms(worst)} ms).")
    if problems:
        print("Rows returned differ from the expected counts: " + "; ".join(problems))
    print()
    head, rule = "| read | screens |", "|---|---:|"
    for backend in backends:
        head += f" {backend} ms |"
        rule += "---:|"
    print(head)
    print(rule)
    for index, read in enumerate(measured[backends[0]]["reads"]):
        line = f"| {read['name']} | {read['screens']:,} |"
        for backend in backends:
            line += f" {ms(measured[backend]['reads'][index]['ms'])} |"
        print(line)
    if imports:
        print()
        print(
            f"| `python -m intake import --format jsonl` | {import_count:,} screens, s | empty file, s | "
            f"screens a second (whole process) | screens a second (less start-up) |"
        )
        print("|---|---:|---:|---:|---:|")
        for backend, (full, empty) in imports.items():
            net = f"{import_count / (full - empty):,.0f}" if full > empty else "– (noise: floor ≥ run)"
            print(f"| {backend} | {full:.2f} | {empty:.2f} | {import_count / full:,.0f} | {net} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--import-count", type=int, default=10_000, help="0 to skip the import timing")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="rebuild the cached databases")
    parser.add_argument("--quick", action="store_true", help="20,000 screens, 3 reps, import 1,000")
    parser.add_argument("--tag", default="", help="suffix for the cached databases' names")
    parser.add_argument(
        "--time-migration",
        action="store_true",
        help="time migrating a copy of each cached database to head (it must be at an older revision)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: the child process
    parser.add_argument("--meta", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global TAG
    TAG = args.tag

    if args.measure:
        print(json.dumps(measure(args.measure, json.loads(Path(args.meta).read_text()), args.reps)))
        return
    if args.quick:
        args.rows, args.reps, args.import_count = 20_000, 3, 1_000
    OUT.mkdir(parents=True, exist_ok=True)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    label = size_label(args.rows) + TAG
    if args.time_migration:
        for backend in backends:
            seconds, rows = time_migration(backend, label)
            print(f"| {backend} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} |")
        return
    metas, measured, imports = {}, {}, {}
    for backend in backends:
        metas[backend] = ensure_loaded(backend, args.rows, args.seed, args.reload)
        measured[backend] = measure_in_child(backend, database_url(backend, label), metas[backend], args.reps)
    if args.import_count:
        path = import_file(args.import_count, args.seed)
        empty = OUT / "import_empty.jsonl"
        empty.write_text("")
        for backend in backends:
            log(f"[{backend}] timing python -m intake import of {args.import_count:,} screens")
            full = time_import(backend, path)
            floor = statistics.median(time_import(backend, empty) for _ in range(3))
            imports[backend] = (full, floor)
    print_report(args.rows, args.reps, measured, metas, imports, args.import_count)


if __name__ == "__main__":
    main()
