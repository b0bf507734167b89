"""Screenshots of the participant's screens for docs/screenshots/.

Run by tests/e2e/test_docs_screenshots.py against the test server, or on its own (it starts a
server on a throwaway database)::

    .venv/bin/python -m tests.e2e.make_screenshots [output folder]

Desktop shots are 1280 pixels wide and show the whole page; phone shots are 360 pixels wide.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from scoring import load_questionnaire
from tests.support.browser_driver import (
    CALM_ANSWERS,
    CHROMIUM,
    LAUNCH_ARGS,
    ROOT,
    Participant,
    key_class,
    streamlit_server,
)

OUT_DIR = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
SAFETY_STEP = 8

# A screen that comes out as an IOP suggestion, with a follow-up question or two on the way.
SHOWCASE_ANSWERS = {
    **CALM_ANSWERS,
    "about.age_band": "26_64",
    "about.sex_at_birth": "female",
    "about.pregnant": "no",
    "auditc.1": 3,
    "auditc.2": 2,
    "auditc.3": 2,
    "taps1.tobacco": 4,
    "taps1.drugs": 1,
    "drugs.substances": ["cannabis"],
    "withdrawal.daily_alcohol": False,
    "withdrawal.daily_opioids": False,
    "safety.overdose_90d": False,
    **{f"phq9.{n}": 2 for n in range(1, 6)},
    "mh.diagnosis": True,
    **{f"gad7.{n}": 1 for n in range(1, 8)},
    "prior_care.outpatient_not_enough": "yes",
    "readiness.ruler": 7,
}

# The tallest scrolling box: Streamlit scrolls its main view, not the document, so a plain
# full-page screenshot would stop at the viewport.
# Scrolls every box back to its top, drops the focus, and returns how much taller than the
# viewport the content is.
_CONTENT_HEIGHT_JS = """() => {
  let extra = 0;
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
      el.scrollTop = 0;
      extra = Math.max(extra, el.scrollHeight - el.clientHeight);
    }
  }
  window.scrollTo(0, 0);
  if (document.activeElement) document.activeElement.blur();  // no focus ring in the picture
  return extra;
}"""


def full_page(person: Participant, path: Path) -> Path:
    """Save the whole page: grow the viewport to the content's height, shoot, shrink it back."""
    page = person.page
    page.mouse.move(0, 0)  # no hover highlight in the picture
    size = page.viewport_size
    assert size is not None
    extra = page.evaluate(_CONTENT_HEIGHT_JS)
    if extra:
        page.set_viewport_size({"width": size["width"], "height": size["height"] + extra})
        page.wait_for_timeout(300)  # let charts and the layout follow the new size
    page.screenshot(path=path, full_page=True)
    if extra:
        page.set_viewport_size(size)
    return path


def _person(browser: Browser, base_url: str, viewport: dict, contexts: list[BrowserContext]) -> Participant:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    contexts.append(context)
    return Participant(context.new_page(), base_url)


def capture(browser: Browser, base_url: str, out_dir: Path = OUT_DIR) -> list[Path]:
    """Walk the screen and save every page; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = load_questionnaire().sections
    shots: list[Path] = []
    contexts: list[BrowserContext] = []
    try:
        person = _person(browser, base_url, DESKTOP, contexts)
        person.open()
        shots.append(full_page(person, out_dir / "01-welcome.png"))
        person.start()
        for number, section in enumerate(sections, start=1):
            person.expect_step(number)
            path = out_dir / f"{number + 1:02d}-step-{section.section}.png"
            person.finish_step(SHOWCASE_ANSWERS, before_next=lambda path=path: full_page(person, path))
            shots.append(path)
        expect(person.page.get_by_role("heading", name="Check your answers")).to_be_visible()
        shots.append(full_page(person, out_dir / f"{len(sections) + 2:02d}-review.png"))
        person.see_result()
        expect(person.page.locator('[data-testid="stPlotlyChart"]')).to_be_visible()
        shots.append(full_page(person, out_dir / f"{len(sections) + 3:02d}-result.png"))
        code = parse_qs(urlparse(person.page.url).query)["resume"][0]

        crisis = _person(browser, base_url, DESKTOP, contexts)
        crisis.open()
        crisis.start()
        crisis.walk_to_step(SAFETY_STEP, CALM_ANSWERS)
        crisis.answer("safety.harm_others", True)
        expect(crisis.page.locator(key_class("crisis-page"))).to_be_visible()
        shots.append(full_page(crisis, out_dir / f"{len(sections) + 4:02d}-crisis.png"))

        phone = _person(browser, base_url, PHONE, contexts)
        phone.open()
        phone.start()
        phone.answer_step(SHOWCASE_ANSWERS)
        shots.append(full_page(phone, out_dir / "phone-step-about.png"))
        phone.open(f"/screen?resume={code}")  # the same draft, opened by its address
        expect(phone.page.locator('[data-testid="stPlotlyChart"]')).to_be_visible()
        shots.append(full_page(phone, out_dir / "phone-result.png"))
    finally:
        for context in contexts:
            context.close()
    return shots


def main(argv: list[str]) -> None:
    out_dir = Path(argv[0]) if argv else OUT_DIR
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        base = Path(folder)
        with streamlit_server(f"sqlite:///{base / 'screens.db'}", base / "server.log") as url:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                for path in capture(browser, url, out_dir):
                    print(path)
            finally:
                browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
