"""Time from `streamlit run app.py` to a served first page, beside a bare Streamlit app.

    python bench/startup.py [--runs 5] [--quick] [--no-browser]

Each run starts a real server process (headless, 127.0.0.1, a free port) and measures, from
the moment the process is spawned:
  - health ok:      /_stcore/health answers `ok` (the server listens; no script has run yet)
  - GET / 200:      the page shell (static index.html) is served
  - first render:   Chromium (Debian's /usr/bin/chromium through Playwright, launched once,
                    before any timing) opens / once health is ok, and the first page's title is
                    visible: the app's welcome heading, or the bare app's "hi". This is the one
                    that runs the script, so it holds the app's imports and its first run.
Polled every 5 ms. The bare app is `st.write("hi")` in a directory of its own under bench/out/,
with a copy of the app's .streamlit/config.toml so both servers run with the same settings.
The app runs on a migrated SQLite file under bench/out/ (a restart, not a first install).
Runs alternate app / bare; medians of RUNS each.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BARE_DIR = OUT / "startup_bare"
POLL = 0.005
TIMEOUT = 90.0
sys.path.insert(0, str(ROOT))

# The browser tests' own server command line, Chromium and its flags.
from tests.support import browser_driver as driver  # noqa: E402


def answers(url: str, expect: str | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body = response.read()
            return response.status == 200 and (expect is None or body.decode().strip() == expect)
    except (OSError, urllib.error.URLError):
        return False


def environment(database_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "IOP_ENV": "development",
        # A throwaway key, so the server never writes ./data/field.key into the checkout.
        "IOP_FIELD_KEY": Fernet.generate_key().decode(),
    }
    env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)
    return env


def one_run(cwd: Path, env: dict[str, str], title: str, browser, log_path: Path) -> dict[str, float]:
    port = driver.free_port()
    base = f"http://127.0.0.1:{port}"
    # The tests' server command line, with the file watcher left on, as `./scripts/run.sh` runs.
    command = driver.streamlit_command(port)
    times: dict[str, float] = {}
    with log_path.open("wb") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while "health" not in times or "root" not in times:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{log_path.read_text(errors='replace')}")
            if time.perf_counter() - start > TIMEOUT:
                raise RuntimeError(
                    f"no answer within {TIMEOUT:.0f} s:\n{log_path.read_text(errors='replace')}"
                )
            if "health" not in times and answers(f"{base}/_stcore/health", "ok"):
                times["health"] = time.perf_counter() - start
            if "root" not in times and answers(f"{base}/"):
                times["root"] = time.perf_counter() - start
            time.sleep(POLL)
        if browser is not None:
            page = browser.new_page()
            try:
                page.goto(base + "/", wait_until="commit")
                heading = page.get_by_text(title, exact=True).first
                heading.wait_for(state="visible", timeout=TIMEOUT * 1000)
                times["render"] = time.perf_counter() - start
            finally:
                page.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return times


def prepare() -> tuple[str, Path]:
    """A migrated SQLite file for the app; the bare app's directory."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "startup.db"
    url = f"sqlite:///{path}"
    os.environ.update(environment(url))
    from intake.db import dispose_engine, get_engine

    get_engine(url)
    dispose_engine(url)
    (BARE_DIR / ".streamlit").mkdir(parents=True, exist_ok=True)
    (BARE_DIR / "app.py").write_text('import streamlit as st\n\nst.write("hi")\n')
    shutil.copyfile(ROOT / ".streamlit" / "config.toml", BARE_DIR / ".streamlit" / "config.toml")
    return url, BARE_DIR


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 runs each")
    parser.add_argument("--no-browser", action="store_true", help="skip Chromium's first render")
    args = parser.parse_args()
    runs = 2 if args.quick else args.runs

    import streamlit

    from ui import texts

    url, bare_dir = prepare()
    env = environment(url)
    sides = {
        "app.py (this app)": (ROOT, texts.WELCOME_TITLE),
        'bare st.write("hi")': (bare_dir, "hi"),
    }
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    playwright = browser = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(driver.CHROMIUM), args=driver.LAUNCH_ARGS)
    try:
        for cwd, title in sides.values():  # one untimed start each: disk caches, .pyc files
            one_run(cwd, env, title, browser, OUT / "startup_server.log")
        for _ in range(runs):
            for name, (cwd, title) in sides.items():
                results[name].append(one_run(cwd, env, title, browser, OUT / "startup_server.log"))
    finally:
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()

    def median(name: str, key: str) -> float | None:
        values = [r[key] for r in results[name] if key in r]
        return statistics.median(values) if values else None

    print(
        f"Start-up, median of {runs} runs each (ms from spawning `streamlit run`); Streamlit "
        f"{streamlit.__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores"
    )
    print()
    print(
        "| server | health `ok` | GET / 200 | first render in Chromium | render − health (page load + first script run) |"
    )
    print("|---|---:|---:|---:|---:|")
    for name in sides:
        health, root, render = median(name, "health"), median(name, "root"), median(name, "render")
        first_run = statistics.median(r["render"] - r["health"] for r in results[name]) if render else None
        print(f"| {name} | {ms(health)} | {ms(root)} | {ms(render)} | {ms(first_run)} |")
    app, bare = sides
    ratios = []
    for key, label in (("health", "health"), ("render", "first render")):
        a, b = median(app, key), median(bare, key)
        if a and b:
            ratios.append(f"{label} {a / b:.2f}× (+{(a - b) * 1000:,.0f} ms)")
    print()
    print("App beside bare: " + ", ".join(ratios) + ".")


if __name__ == "__main__":
    main()
