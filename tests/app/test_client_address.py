"""Resume-code rate limiting counts tries per client address; a visitor must not be able to
choose that address by sending a made-up X-Forwarded-For header.

``client_address(header, reported, N)`` gets the header as sent (every line, joined) and the
address Streamlit reports: the connection's, except that Streamlit's web server (uvicorn)
replaces the address of a connection from this machine with one from the header, and reports
this machine itself as None. tests/e2e/test_operations.py drives the same rule through a real
server.
"""

import logging

from ui.client import LOCAL, client_address


def test_without_a_trusted_proxy_the_connection_counts_not_the_header():
    # A remote connection: Streamlit's server leaves its address alone.
    assert client_address("198.51.100.7", "203.0.113.9", trusted_proxies=0) == "203.0.113.9"
    assert client_address("198.51.100.8", "203.0.113.9", trusted_proxies=0) == "203.0.113.9"
    assert client_address("", "203.0.113.9", trusted_proxies=0) == "203.0.113.9"


def test_an_address_the_server_took_from_the_header_is_not_believed():
    """BUG (issue 10): from this machine, uvicorn reports the header's last entry as the address,
    so every made-up header was a fresh rate-limit bucket: 100 wrong codes from 20 forged
    addresses, none blocked. Each such request now counts as this machine."""
    forged = [f"198.51.100.{n}" for n in range(20)]
    assert {client_address(a, a, trusted_proxies=0) for a in forged} == {LOCAL}
    assert client_address("10.9.9.9, 198.51.100.3", "198.51.100.3", trusted_proxies=0) == LOCAL
    # However the entry is spelled, what the server kept of it is found in the header's text.
    assert client_address("198.51.100.3:8080", "198.51.100.3", trusted_proxies=0) == LOCAL
    assert client_address("[2001:db8::7]:443", "2001:db8::7", trusted_proxies=0) == LOCAL
    assert client_address("", None, trusted_proxies=0) == LOCAL


def test_a_header_from_this_machine_is_reported_once_without_any_address(caplog):
    caplog.set_level(logging.WARNING, logger="ui.client")
    for n in range(3):
        client_address(f"198.51.100.{n}", f"198.51.100.{n}", trusted_proxies=0)
    warnings = [r.getMessage() for r in caplog.records if r.name == "ui.client"]
    assert len(warnings) <= 1  # once per process: an earlier test may have used it up
    assert not any("198.51.100" in w for w in warnings)


def test_behind_one_proxy_the_address_it_appended_counts_not_what_the_browser_wrote():
    # The browser sent "X-Forwarded-For: 198.51.100.7"; our proxy appended the real peer.
    assert client_address("198.51.100.7, 192.0.2.44", "10.0.0.2", trusted_proxies=1) == "192.0.2.44"
    assert client_address("192.0.2.44", "10.0.0.2", trusted_proxies=1) == "192.0.2.44"
    # A proxy that adds its own header line: client_key joins the lines in order.
    assert client_address("198.51.100.7, 192.0.2.44", None, trusted_proxies=1) == "192.0.2.44"


def test_behind_two_proxies_the_second_from_the_right_counts():
    assert client_address("1.1.1.1, 192.0.2.44, 10.0.0.7", "10.0.0.2", trusted_proxies=2) == "192.0.2.44"


def test_a_header_shorter_than_the_proxy_chain_counts_the_connection():
    assert client_address("", "203.0.113.9", trusted_proxies=1) == "203.0.113.9"
    # Two proxies configured, one entry: that entry did not come from our outer proxy.
    assert client_address("198.51.100.7", "198.51.100.7", trusted_proxies=2) == LOCAL
    assert client_address("", None, trusted_proxies=1) == LOCAL
