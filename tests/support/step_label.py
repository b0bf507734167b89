"""The "Step N of M" progress label as each driver finds it on the page, in every language the
screen speaks ("Paso N de M"): one pattern per language, groups (number, total)."""

from __future__ import annotations

import re

from scoring.languages import languages
from ui import texts
from ui.i18n import localize

STEP_LABELS = [
    re.compile(
        re.escape(localize(texts.STEP_LABEL, code))
        .replace(r"\{number\}", r"(\d+)")
        .replace(r"\{total\}", r"(\d+)")
    )
    for code in languages().codes
]
