"""Remake the page icons in ui/assets/ from the Material Symbols font Streamlit ships.

    .venv/bin/python scripts/make_icons.py

Each icon is one glyph of Material Symbols Rounded (Google, Apache License 2.0) drawn in the
theme's primary colour on a 64 x 64 transparent PNG, in Chromium (/usr/bin/chromium). The app
serves these files itself: a ":material/...:" page icon would make every browser fetch it from
fonts.gstatic.com.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import streamlit
from playwright.sync_api import sync_playwright

ASSETS = Path(__file__).resolve().parents[1] / "ui" / "assets"
ICONS = {"favicon.png": "spa", "favicon-staff.png": "badge"}
COLOUR = "#2f6f73"  # .streamlit/config.toml: theme.primaryColor
SIZE = 64
_DRAW = """async ([name, colour, size]) => {
  await document.fonts.load(size + 'px Symbols', name);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const context = canvas.getContext('2d');
  context.fillStyle = colour;
  context.font = size + 'px Symbols';
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(name, size / 2, size / 2);
  return canvas.toDataURL('image/png');
}"""


def main() -> None:
    media = Path(streamlit.__file__).parent / "static" / "static" / "media"
    (font,) = media.glob("MaterialSymbols-Rounded.*.woff2")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "icons.html"
        page_file.write_text(
            f"<style>@font-face {{ font-family: Symbols; src: url('{font.as_uri()}'); }}</style>",
            encoding="utf-8",
        )
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            for file_name, glyph in ICONS.items():
                data = page.evaluate(_DRAW, [glyph, COLOUR, SIZE])
                (ASSETS / file_name).write_bytes(base64.b64decode(data.split(",", 1)[1]))
                print(ASSETS / file_name)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
