"""The screenshots of docs/screenshots/, made fresh from the running app (see make_screenshots):
into a temporary folder, or into docs/screenshots/ itself with REFRESH_SCREENSHOTS=1."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scoring import evaluate, load_questionnaire
from tests.support.browser_driver import full_answers

from .make_screenshots import DESKTOP, PHONE, SHOWCASE_ANSWERS, capture


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


@pytest.mark.e2e
def test_screenshots_of_every_page(browser: Browser, server_url: str, screenshot_dir: Path) -> None:
    assert evaluate({"respondent": "self", "answers": full_answers(SHOWCASE_ANSWERS)})["disposition"] == "iop"

    shots = capture(browser, server_url, screenshot_dir)

    sections = load_questionnaire().sections
    names = {path.name for path in shots}
    expected = {"01-welcome.png", "phone-step-about.png", "phone-result.png"}
    expected |= {f"{n + 1:02d}-step-{s.section}.png" for n, s in enumerate(sections, start=1)}
    expected |= {f"{len(sections) + 2:02d}-review.png", f"{len(sections) + 3:02d}-result.png"}
    expected |= {f"{len(sections) + 4:02d}-crisis.png"}
    assert names == expected
    for path in shots:
        width, height = png_size(path)
        assert width == (PHONE if path.name.startswith("phone") else DESKTOP)["width"], path.name
        assert height >= DESKTOP["height"] if not path.name.startswith("phone") else height >= PHONE["height"]
