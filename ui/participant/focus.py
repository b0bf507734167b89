"""Move keyboard focus to a question, so a failed Next takes a keyboard or screen-reader user
straight to the first question still to answer, not back to the top of the page."""

from __future__ import annotations

import json
import uuid

import streamlit as st

# Runs in the page itself (st.html is not iframed). Waits briefly for the question to be drawn,
# then focuses its first choice; focus() also scrolls it into view.
_SCRIPT = """<script>
(() => {
  const selector = %s, attempt = %s;
  let tries = 0;
  const move = () => {
    const box = document.querySelector(selector);
    const target = box && box.querySelector('input:not([disabled]), button:not([disabled])');
    if (target) target.focus();
    else if (++tries < 50) setTimeout(move, 20);
  };
  move();
})();
</script>"""


def focus_question(item_id: str) -> None:
    """Focus the first radio (or pill) of this question once, on this run only."""
    selector = ".st-key-" + item_id.replace(".", "-")
    # A fresh token each time: Streamlit reruns an st.html script only when its body changes,
    # and a second failed Next must move focus again.
    st.html(
        _SCRIPT % (json.dumps(selector), json.dumps(uuid.uuid4().hex)),
        unsafe_allow_javascript=True,
    )
