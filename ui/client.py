"""Who is asking, as far as resume-code rate limiting needs to know; never stored in plain text.

The one rule (docs/settings.md, ``IOP_TRUSTED_PROXIES``): with N trusted proxies, the Nth
X-Forwarded-For entry from the right, the address our own outermost proxy saw; with none, the
address of the connection itself. Nothing else picks the address.
"""

from __future__ import annotations

import logging

import streamlit as st

from intake.settings import get_settings

log = logging.getLogger(__name__)

# The bucket of connections from this machine (and of any other address Streamlit's web server is
# told to trust, see connection_address).
LOCAL = "local"
_warned: set[str] = set()


def client_address(forwarded_for: str, reported_address: str | None, trusted_proxies: int) -> str:
    """The client's address for rate limiting.

    X-Forwarded-For is written by the browser first and then appended to by each proxy, so only
    the entries our own proxies added can be trusted: with N trusted proxies, the Nth from the
    right. With none (or a header shorter than the chain: the request did not come through all
    of them) the connection's own address counts, so a visitor cannot reset the limit, or lock
    someone else out, by sending a made-up header.
    """
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if trusted_proxies and len(hops) >= trusted_proxies:
        return hops[-trusted_proxies]
    return connection_address(forwarded_for, reported_address)


def connection_address(forwarded_for: str, reported_address: str | None) -> str:
    """The connection's own address, given the one Streamlit reports.

    Streamlit's web server (uvicorn) replaces the address of a connection from an address it
    trusts (FORWARDED_ALLOW_IPS; this machine by default) with one taken from that request's
    X-Forwarded-For, before the app sees it; Streamlit reports this machine as None. So an
    address that appears in the request's own header may have been written by the browser: it
    counts as the trusted connection it came through. Found in the header text (not parsed), so
    no spelling of it (a port, brackets, spaces) can pass for a real connection.
    """
    if not reported_address:
        return LOCAL
    if reported_address in forwarded_for:
        _warn_once(
            "forwarded-untrusted",
            "a request's address came from its own X-Forwarded-For header, past the proxies "
            "IOP_TRUSTED_PROXIES trusts: it counts as this machine, and all such requests share one "
            "resume-code limit. If a reverse proxy runs on this machine, set IOP_TRUSTED_PROXIES to "
            "the number of proxies (docs/settings.md).",
        )
        return LOCAL
    return reported_address


def _warn_once(key: str, message: str) -> None:
    """A misconfiguration is worth one line per process, not one per request; the line carries
    no address."""
    if key not in _warned:
        _warned.add(key)
        log.warning(message)


def client_key() -> str:
    # Every X-Forwarded-For line, in order: a proxy may add its own line instead of appending.
    lines = [line for line in st.context.headers.get_all("X-Forwarded-For") if isinstance(line, str)]
    reported = st.context.ip_address
    # Strings only: under AppTest the context is a stand-in object, and no browser is connected.
    reported = reported if isinstance(reported, str) else None
    return client_address(", ".join(lines), reported, get_settings().iop_trusted_proxies)
