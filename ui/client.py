"""Who is asking, as far as rate limiting needs to know; never stored in plain text."""

from __future__ import annotations

import streamlit as st


def client_key() -> str:
    """The client's address: the first X-Forwarded-For hop behind the deployment's proxy, else
    the socket's address. Drafts hash it before storing a failed resume try."""
    forwarded = st.context.headers.get("X-Forwarded-For", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return st.context.ip_address or "local"
