"""Who is asking, as far as rate limiting needs to know; never stored in plain text."""

from __future__ import annotations

import streamlit as st

from intake.settings import get_settings


def client_address(forwarded_for: str, socket_address: str | None, trusted_proxies: int) -> str:
    """The client's address for rate limiting.

    X-Forwarded-For is written by the browser first and then appended to by each proxy, so only
    the entries our own proxies added can be trusted: with N trusted proxies, the Nth from the
    right. With none configured the header is ignored, so a visitor cannot reset the limit (or
    lock someone else out) by sending a made-up header.
    """
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if trusted_proxies and len(hops) >= trusted_proxies:
        return hops[-trusted_proxies]
    return socket_address or "local"


def client_key() -> str:
    return client_address(
        st.context.headers.get("X-Forwarded-For", ""),
        st.context.ip_address,
        get_settings().iop_trusted_proxies,
    )
