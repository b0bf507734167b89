"""Resume-code rate limiting counts tries per client address; a visitor must not be able to
choose that address by sending a made-up X-Forwarded-For header."""

from ui.client import client_address


def test_without_a_trusted_proxy_the_header_is_ignored():
    assert client_address("198.51.100.7", "203.0.113.9", trusted_proxies=0) == "203.0.113.9"
    assert client_address("198.51.100.8", "203.0.113.9", trusted_proxies=0) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_counts_not_what_the_browser_wrote():
    # The browser sent "X-Forwarded-For: 198.51.100.7"; our proxy appended the real peer.
    assert client_address("198.51.100.7, 192.0.2.44", "10.0.0.2", trusted_proxies=1) == "192.0.2.44"
    assert client_address("192.0.2.44", "10.0.0.2", trusted_proxies=1) == "192.0.2.44"


def test_behind_two_proxies_the_second_from_the_right_counts():
    assert client_address("1.1.1.1, 192.0.2.44, 10.0.0.7", "10.0.0.2", trusted_proxies=2) == "192.0.2.44"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_socket():
    assert client_address("", "203.0.113.9", trusted_proxies=1) == "203.0.113.9"
    assert client_address("", None, trusted_proxies=0) == "local"
