"""Text from data, made safe to put inside Streamlit Markdown.

Captions, alerts, widget labels and st.table cells are all Markdown in Streamlit, with extras: an
image or a link fetches or points anywhere, ``:red[...]`` colours, ``$$...$$`` is typeset,
``:material/...:`` and ``:smile:`` become icons, and a bare ``www.``, ``https://`` or address
becomes a link. Whatever came from the database, an import or a staff member's typing (a consent
version, an email address, a stored answer) goes through ``plain`` before it is joined to the
page's own Markdown, so it shows exactly as written.

Backslash escapes are not enough: Streamlit finds bare links and addresses after parsing, in the
text the escapes leave. A code span is the one construct whose content nothing looks into, so the
value becomes one (shown in the code font, as the staff pages always showed a signed-in email).
"""

from __future__ import annotations

import re

# Line breaks and other control characters would end the code span or start new blocks; shown as
# text, they are a space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")
# Streamlit rewrites ":material/" in the raw source, code spans included (to draw icons); a word
# joiner (invisible) after the colon keeps the text as it was.
_ICON_PREFIX = ":material/"


def plain(value: object) -> str:
    """``value`` as Markdown source that shows exactly its text, on one line."""
    text = _CONTROL.sub(" ", str(value)).strip().replace(_ICON_PREFIX, ":\u2060material/")
    if not text:
        return ""
    # A fence longer than any run of backticks inside; spaces keep a backtick at either end apart
    # from the fence (CommonMark takes one space off each side again).
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
