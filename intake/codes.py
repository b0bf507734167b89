"""Random human-friendly codes: no 0/O, 1/I/L look-alikes, easy to read aloud over the phone."""

from __future__ import annotations

import secrets

from intake.vocab import REFERENCE_SYMBOLS

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_PREFIX = "IOP-"


def random_symbols(count: int) -> str:
    # 5 random bits per symbol, from one call to the OS's generator (32 symbols: no modulo bias).
    bits = int.from_bytes(secrets.token_bytes((count * 5 + 7) // 8), "big")
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(count))


def group(symbols: str, size: int = 4) -> str:
    return "-".join(symbols[i : i + size] for i in range(0, len(symbols), size))


def new_reference() -> str:
    """A screen's reference, e.g. ``IOP-7KQ4-M2XD`` (40 bits: unique index plus retry on collision)."""
    return REFERENCE_PREFIX + group(random_symbols(REFERENCE_SYMBOLS))


def _typed_symbols(text: str) -> str:
    typed = "".join(ch for ch in text.upper() if ch.isalnum())
    return typed.removeprefix(REFERENCE_PREFIX.removesuffix("-"))[:REFERENCE_SYMBOLS]


def reference_search_prefix(text: str) -> str:
    """Turn what staff type ("7kq4 m2xd", "IOP7KQ4") into the canonical reference, or a prefix of it."""
    return REFERENCE_PREFIX + group(_typed_symbols(text))


def reference_bounds(text: str) -> tuple[str, str] | None:
    """The first and last reference starting with what was typed (None if nothing was), for an
    index range scan: LIKE 'prefix%' cannot use the index under PostgreSQL's non-C collations."""
    symbols = _typed_symbols(text)
    if not symbols:
        return None
    pad = REFERENCE_SYMBOLS - len(symbols)
    return REFERENCE_PREFIX + group(symbols + ALPHABET[0] * pad), REFERENCE_PREFIX + group(
        symbols + ALPHABET[-1] * pad
    )
