"""Server time of a Next click on each wizard step, beside a bare Streamlit page with the same widgets.

    python bench/wizard_step_cost.py [--reps 15] [--quick] [--profile] [--clock wall|cpu]
                                     [--database-url URL]

Both sides run in streamlit.testing.v1.AppTest, in this process:
  - app:  app.py driven through the 12 steps (start as "self" with consent, calm answers from
          tests/support/wizard_driver.py, then Next); the time is the script run the click causes,
          callbacks included (on_next: sync, prune, draft save with the funnel counts), from the runner's
          SCRIPT_STARTED to its last SCRIPT_STOPPED event: AppTest's own thread start-up and
          element-tree parsing are left out (both sides pay them alike; shown below the table).
  - bare: a generated script (bench/out/wizard_bare.py) rendering what the click's run renders:
          the progress bar, heading, intro, the same radios/pills (same keys, options, labels,
          help captions, unanswered) in keyed containers, the three nav buttons and the footer,
          with no navigation, CSS, storage, scoring or callbacks. Its Next is read from
          session_state at the top of the run, so one run shows the next page, as the app's does.
  - bare multipage: the same bare page as pages/screen.py of a generated app with this app's
          shape (bench/out/wizard_bare_mpa/): a pages/ folder of as many files, which Streamlit
          scans and turns into pages on every run, and an app.py routing through st.navigation
          with as many st.Page entries. The project's layout asks for pages/, so this is the floor
          Streamlit sets for an app built like this one.
The 12th Next leads to the review page; the bare script renders the same expanders and lines.
The garbage collector runs before each timed click and not during it (as timeit does).
The draft save (ui.participant.state.save, which writes the click's funnel counts in the same
transaction) is timed inside the app's run, so "app − save" is the click without it. Median of REPS walks.
The database is a fresh SQLite file under bench/out/ unless --database-url is given.
--clock cpu times the script thread's CPU instead of the wall clock: steadier on a busy machine,
blind to waiting (PostgreSQL's own work, disk). --profile adds a cProfile table of the app's
own functions per Next click, to name what costs the difference.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest and the app resolve pages/ and questionnaires/ from the checkout

from cryptography.fernet import Fernet  # noqa: E402

# Before anything reads settings: development mode, a throwaway field key (no ./data/field.key).
os.environ["IOP_ENV"] = "development"
os.environ["IOP_FIELD_KEY"] = Fernet.generate_key().decode()
os.environ.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)

import streamlit  # noqa: E402
from streamlit.runtime.scriptrunner import ScriptRunnerEvent  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.testing.v1 import app_test as app_test_module  # noqa: E402
from streamlit.testing.v1.local_script_runner import LocalScriptRunner  # noqa: E402

from scoring import load_questionnaire  # noqa: E402
from tests.support import wizard_driver as driver  # noqa: E402
from ui import texts  # noqa: E402
from ui.participant import state as ws  # noqa: E402
from ui.widgets import labels, wording  # noqa: E402

APP = ROOT / "app.py"
BARE = OUT / "wizard_bare.py"
BARE_MPA = OUT / "wizard_bare_mpa"
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
TIMEOUT = 60
TARGET = 1.3
STOPPED = {
    ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS,
    ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
    ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
}

# --- measuring inside AppTest --------------------------------------------------------------------

_stamps: list[tuple[ScriptRunnerEvent, float]] = []
# Wall time by default. --clock cpu: CPU time of the script thread (time.thread_time; the stamps
# and the storage timings are all taken in that thread), steady on a busy machine; it leaves out
# waiting, so PostgreSQL's server-side work and any disk wait do not show.
clock = time.perf_counter
# Set while a Next click runs with --profile: only the clicks are profiled, not the answering.
_profiler: cProfile.Profile | None = None
_profiling = False


class StampedRunner(LocalScriptRunner):
    """AppTest's runner, noting when each script run starts and stops (in the script thread)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_event.connect(self._stamp, weak=False)

    def _stamp(self, _sender, event, **_kwargs) -> None:
        _stamps.append((event, clock()))

    def _run_script_thread(self) -> None:
        if _profiler is None or not _profiling:
            return super()._run_script_thread()
        _profiler.enable()  # cProfile follows one thread: enable it in the script's
        try:
            return super()._run_script_thread()
        finally:
            _profiler.disable()


app_test_module.LocalScriptRunner = StampedRunner  # type: ignore[misc]  # swapping the class is the point


def server_seconds() -> float:
    """From the first SCRIPT_STARTED to the last SCRIPT_STOPPED_* of the last AppTest run
    (an st.rerun inside the click makes two script runs; both are the click's cost)."""
    starts = [t for e, t in _stamps if e == ScriptRunnerEvent.SCRIPT_STARTED]
    stops = [t for e, t in _stamps if e in STOPPED]
    assert starts and stops, "no script run was recorded"
    return stops[-1] - starts[0]


storage: dict[str, float] = defaultdict(float)


def _timed_storage(name: str, original):
    depth = 0

    def wrapper(*args, **kwargs):
        nonlocal depth
        depth += 1
        start = clock()
        try:
            return original(*args, **kwargs)
        finally:
            depth -= 1
            if depth == 0:  # save() calls itself once when a draft expired: count it once
                storage[name] += clock() - start

    return wrapper


# ui/participant/wizard.py and the state module's go_to_step call these through the module: patch it there.
ws.save = _timed_storage("save", ws.save)


def click(at: AppTest, key: str) -> tuple[float, float]:
    """Click a button; (server seconds, AppTest round trip seconds)."""
    global _profiling
    _stamps.clear()
    storage.clear()
    # As timeit does: collect first, no collection inside the timing. Else a click pays for the
    # garbage of whatever ran before it (the other side's walk, AppTest's own bookkeeping).
    gc.collect()
    gc.disable()
    _profiling = True
    start = time.perf_counter()
    try:
        at.button(key=key).click().run()
    finally:
        round_trip = time.perf_counter() - start
        _profiling = False
        gc.enable()
    assert not at.exception, at.exception
    return server_seconds(), round_trip


# --- the app -------------------------------------------------------------------------------------


# A person in recovery: asked every section, so the walk takes all twelve steps (someone who
# neither drinks, uses nor has a history skips the relapse step), and the rest calm answers.
WALK_ANSWERS = {"recovery.history": True}


def app_walk(record: dict | None = None) -> list[dict]:
    """One participant from the welcome page to the review; a dict per Next click."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.radio(key="respondent").set_value("self")
    at.checkbox(key="consent").check()
    at.button(key="nav-start").click().run()
    assert driver.stage(at) == "step", "the wizard did not start"
    sections = load_questionnaire().sections
    if record is not None:
        record["shown"] = [driver.visible_items(at)]
    clicks = []
    for index in range(len(sections)):
        assert driver.step(at) == index, f"expected step {index + 1}, page shows {driver.step(at)}"
        driver.answer_step(at, WALK_ANSWERS)
        if record is not None:
            record.setdefault("values", {}).update(
                {i: driver.shown_value(at, i) for i in driver.visible_items(at)}
            )
        server, round_trip = click(at, "nav-next")
        clicks.append(dict(server=server, round_trip=round_trip, save=storage["save"]))
        if record is not None:
            record["shown"].append(driver.visible_items(at))
    assert driver.stage(at) == "review", f"ended at {driver.stage(at)}, not the review"
    if record is not None:
        record["answers"] = dict(driver.wizard(at).answers)
    return clicks


# --- the bare page -------------------------------------------------------------------------------

BARE_TEMPLATE = '''"""Generated by bench/wizard_step_cost.py: the wizard's widgets and nothing else."""

import sys
from pathlib import Path

import streamlit as st

# The pages are data in a module beside this one, imported once: AppTest compiles the main
# script afresh on every run (a real server would not), so a big literal here would be timed.
sys.path.insert(0, str(Path(__file__).parent))
from wizard_bare_pages import FOOTER, NAV, PAGES  # noqa: E402

ss = st.session_state
if "page" not in ss:
    ss.page = 0
if ss.get("nav-next"):  # a button's click is already in session_state when the run starts
    ss.page = min(ss.page + 1, len(PAGES) - 1)
page = PAGES[ss.page]
st.progress(page["progress"], text=page["progress_text"])
st.subheader(page["title"])
if page["kind"] == "step":
    if page["intro"]:
        st.markdown(page["intro"])
    for key, kind, label, options, shown, help_text, horizontal in page["items"]:
        with st.container(key="q-" + key):
            if kind == "pills":
                st.pills(label, options, selection_mode="multi", default=[], format_func=shown.__getitem__, key=key)
            else:
                st.radio(label, options, index=None, format_func=shown.__getitem__, key=key, horizontal=horizontal)
            if help_text:
                st.caption(help_text)
else:
    st.write(page["intro"])
    for title, lines, key in page["sections"]:
        with st.expander(title, expanded=False):
            for line in lines:
                st.markdown(line)
            st.button(NAV["change"], key=key)
with st.container(horizontal=True, horizontal_alignment="distribute", key="wizard-nav"):
    st.button(NAV["back"], key="nav-back", disabled=ss.page == 0)
    st.button(NAV["save"], key="nav-save")
    st.button(page["next_label"], key="nav-next", type="primary")
with st.container(key="crisis-footer"):
    st.markdown(FOOTER)
'''
BARE_DATA = '''"""Generated by bench/wizard_step_cost.py: what the bare wizard page shows."""

PAGES = {pages!r}
FOOTER = {footer!r}
NAV = {nav!r}
'''


def bare_pages(record: dict) -> list[dict]:
    """Page 0..11: each step as the app first shows it; page 12: the review."""
    questionnaire = load_questionnaire()
    sections = questionnaire.sections
    pages = []
    for index, section in enumerate(sections):
        shown = set(record["shown"][index])
        items = []
        for item in section.items:
            if item.id not in shown:
                continue
            text, help_text = wording(item, "self")
            options = labels(item, "self")
            kind = "pills" if item.type == "multi_choice" else "radio"
            items.append((item.id, kind, text, list(options), options, help_text, item.type == "yes_no"))
        pages.append(
            dict(
                kind="step",
                progress=(index + 1) / (len(sections) + 1),
                progress_text=texts.STEP_LABEL.format(number=index + 1, total=len(sections)),
                title=section.title,
                intro=section.intro,
                items=items,
                next_label=texts.NAV["next"],
            )
        )
    from ui.participant.wizard import answer_label  # the review's own wording of each answer

    answers = record["answers"]
    review = []
    for section in sections:
        lines = []
        for item in questionnaire.asked_items(section.section, answers):
            text, _ = wording(item, "self")
            value = answers.get(item.id)
            worded = answer_label(item.id, value, "self") if value is not None else texts.NOT_ANSWERED
            lines.append(f"{text}  \n**{worded}**")
        review.append((section.title, lines, f"edit-{section.section}"))
    pages.append(
        dict(
            kind="review",
            progress=1.0,
            progress_text=texts.REVIEW_TITLE,
            title=texts.REVIEW_TITLE,
            intro=texts.REVIEW_INTRO,
            sections=review,
            next_label=texts.NAV["review_next"],
        )
    )
    return pages


BARE_ROUTER = '''"""Generated by bench/wizard_step_cost.py: a router shaped like the app's app.py."""

import streamlit as st

FILES = {files!r}
pages = [st.Page(f"pages/{{name}}", default=(name == "screen.py")) for name in FILES]
st.navigation(pages, position="top").run()
'''


def write_bare(record: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    nav = {**texts.NAV, "change": texts.REVIEW_CHANGE}
    data = BARE_DATA.format(pages=bare_pages(record), footer=texts.CRISIS_FOOTER, nav=nav)
    BARE.with_name("wizard_bare_pages.py").write_text(data)
    BARE.write_text(BARE_TEMPLATE)
    # The multipage twin: the same page as pages/screen.py, among as many page files as the app's.
    (BARE_MPA / "pages").mkdir(parents=True, exist_ok=True)
    (BARE_MPA / "wizard_bare_pages.py").write_text(data)
    (BARE_MPA / "app.py").write_text(BARE_ROUTER.format(files=PAGE_FILES))
    for name in PAGE_FILES:
        page = BARE_TEMPLATE.replace("Path(__file__).parent", "Path(__file__).parent.parent")
        (BARE_MPA / "pages" / name).write_text(
            page if name == "screen.py" else 'import streamlit as st\n\nst.write("-")\n'
        )
    sys.modules.pop("wizard_bare_pages", None)  # a rerun in this process must read the new file


def bare_walk(record: dict, script: Path = BARE) -> list[dict]:
    """The same twelve Next clicks on the bare page, each step answered as the app's was."""
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT).run()
    values = record["values"]
    clicks = []
    for index in range(len(load_questionnaire().sections)):
        for radio in at.radio:
            radio.set_value(values[radio.key])
        for pills in at.button_group:
            pills.set_value(list(values[pills.key]))
        at.run()
        server, round_trip = click(at, "nav-next")
        clicks.append(dict(server=server, round_trip=round_trip))
        assert at.session_state["page"] == index + 1
    return clicks


# --- the run -------------------------------------------------------------------------------------


@contextmanager
def database(url: str | None):
    from intake.db import dispose_engine, get_engine
    from intake.settings import get_settings

    with tempfile.TemporaryDirectory(dir=OUT if OUT.exists() else None) as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'wizard.db'}"
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        get_engine(url)  # migrate now, not inside the first click
        try:
            yield url
        finally:
            dispose_engine(url)


def median(rows: list[list[dict]], step: int, field: str) -> float:
    return statistics.median(r[step][field] for r in rows)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def print_table(
    app: list[list[dict]], bare: list[list[dict]], mpa: list[list[dict]], shown: list[list[str]], backend: str
) -> None:
    sections = load_questionnaire().sections
    print(
        "| Next on step | leads to | widgets | app ms | draft save ms | app − save ms | bare ms | "
        "bare multipage ms | app / bare | app / bare multipage | (app − save) / bare multipage |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    totals: defaultdict[str, float] = defaultdict(float)
    over, over_mpa = [], []
    for step in range(len(sections)):
        a, b, m = median(app, step, "server"), median(bare, step, "server"), median(mpa, step, "server")
        save = median(app, step, "save")
        lean = statistics.median(r[step]["server"] - r[step]["save"] for r in app)
        for name, value in (("app", a), ("bare", b), ("mpa", m), ("save", save), ("lean", lean)):
            totals[name] += value
        leads = sections[step + 1].section if step + 1 < len(sections) else "review"
        widgets = len(shown[step + 1]) if step + 1 < len(sections) else 0
        if a / b > TARGET:
            over.append(f"{step + 1} ({a / b:.2f}×)")
        if a / m > TARGET:
            over_mpa.append(f"{step + 1} ({a / m:.2f}×)")
        print(
            f"| {step + 1} {sections[step].section} | {leads} | {widgets} | {ms(a)} | {ms(save)} | "
            f"{ms(lean)} | {ms(b)} | {ms(m)} | {a / b:.2f} | {a / m:.2f} | {lean / m:.2f} |"
        )
    print(
        f"| **all 12 (sum of medians)** | | | **{ms(totals['app'])}** | {ms(totals['save'])} | "
        f"{ms(totals['lean'])} | **{ms(totals['bare'])}** | **{ms(totals['mpa'])}** | "
        f"**{totals['app'] / totals['bare']:.2f}** | **{totals['app'] / totals['mpa']:.2f}** | "
        f"{totals['lean'] / totals['mpa']:.2f} |"
    )
    rt = {
        name: sum(median(runs, s, "round_trip") for s in range(len(sections)))
        for name, runs in (("app", app), ("bare", bare), ("mpa", mpa))
    }
    print()
    print(
        f"AppTest round trip (click to parsed element tree, thread start-up included), all 12 Next "
        f"clicks: app {ms(rt['app'])} ms, bare {ms(rt['bare'])} ms, bare multipage {ms(rt['mpa'])} ms."
    )
    print(
        f"Storage ({backend}): the draft save at every Next, funnel counts included, is "
        f"{ms(totals['save'])} ms in all ({totals['save'] / totals['app']:.0%} of the app's time). "
        f"Streamlit's multipage machinery (pages/ scanned, st.navigation) adds "
        f"{ms(totals['mpa'] - totals['bare'])} ms to the bare page."
    )
    print(
        f"Steps above the {TARGET}× aim: beside the bare page {', '.join(over) or 'none'}; "
        f"beside the bare multipage app {', '.join(over_mpa) or 'none'}."
    )


def print_profile(profiler: cProfile.Profile, clicks: int, limit: int = 20) -> None:
    """Project functions by cumulative time per Next click (profiled runs are slower than real)."""
    # pstats' raw table, (file, line, function) -> (calls, primitive calls, own, cumulative, callers):
    # what print_stats reads, left out of typeshed.
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    table = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, _nc, _tt, cumulative, _callers) in table.items():
        path = Path(filename)
        if ROOT in path.parents and ".venv" not in path.parts and "bench" not in path.parts:
            rows.append((cumulative, f"{path.relative_to(ROOT)}:{line} {name}"))
    total = sum(
        cumulative
        for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in table.items()
        if name == "_run_script" and "scriptrunner" in filename
    )
    print()
    print(f"Profile of the app's Next clicks (cProfile, {clicks} clicks; times inflated by profiling):")
    print()
    print("| project function | cumulative ms per click | share of the script run |")
    print("|---|---:|---:|")
    for cumulative, name in sorted(rows, reverse=True)[:limit]:
        share = f"{cumulative / total:.0%}" if total else ""
        print(f"| `{name}` | {cumulative / clicks * 1000:.2f} | {share} |")


def main() -> None:
    global _profiler, clock
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=15, help="walks per side (median taken)")
    parser.add_argument("--quick", action="store_true", help="3 walks per side")
    parser.add_argument("--profile", action="store_true", help="also profile the app's clicks")
    parser.add_argument("--database-url", help="default: a fresh SQLite file under bench/out/")
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="cpu: the script thread's CPU time"
    )
    args = parser.parse_args()
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    reps = 3 if args.quick else args.reps

    OUT.mkdir(parents=True, exist_ok=True)
    with database(args.database_url) as url:
        backend = url.split(":", 1)[0].split("+")[0]
        record: dict = {}
        app_walk(record)  # warm-up: imports, questionnaire cache, first engine connections
        write_bare(record)
        bare_walk(record)
        bare_walk(record, BARE_MPA / "app.py")
        app_runs, bare_runs, mpa_runs = [], [], []
        for _ in range(reps):  # interleaved, so drift on a busy machine hits all sides alike
            app_runs.append(app_walk())
            bare_runs.append(bare_walk(record))
            mpa_runs.append(bare_walk(record, BARE_MPA / "app.py"))
        if args.profile:
            profiler = _profiler = cProfile.Profile()
            app_walk()
            _profiler = None

    what = "CPU time of the script thread" if args.clock == "cpu" else "server wall time"
    print(
        f"Wizard Next clicks, median of {reps} walks per side (AppTest, {what} of the click's run); "
        f"Streamlit {streamlit.__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, {backend} database"
    )
    print()
    print_table(app_runs, bare_runs, mpa_runs, record["shown"], backend)
    if args.profile:
        print_profile(profiler, len(load_questionnaire().sections))


if __name__ == "__main__":
    main()
