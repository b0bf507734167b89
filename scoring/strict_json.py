"""Untrusted bytes to JSON for the command lines (``python -m scoring evaluate`` and
``python -m intake import``): read in bounded pieces, parsed strictly, refused with a message.

The caps, documented in the README:

- ``MAX_LINE_BYTES`` (1 MiB): a screen is about 2 KB, an exported record about 5 KB. A longer
  line (or a longer ``evaluate FILE``) is refused without being kept in memory, so a huge file
  costs one line's worth of memory at most.
- ``MAX_DEPTH`` (32): a screen nests three deep. Deeper JSON is refused as soon as it is parsed,
  so nothing downstream (scoring, printing a value in a message) can run out of stack.
- Numbers: Python refuses to read an integer of more than 4,300 digits; that is a refusal too.

Stricter than ``json.loads``: a key given twice in one object is refused (``json.loads`` keeps the
last one silently, so a tool and a person could read different answers from one line), and so are
``NaN`` and ``Infinity``, which are not JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from scoring.validation import SHOWN_CHARS

MAX_LINE_BYTES = 1 << 20
MAX_DEPTH = 32
_SKIP_CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
# JSON's own whitespace: a line of nothing else is blank.
_JSON_SPACE = b" \t\r\n"


class Refused(ValueError):
    """This input is not acceptable JSON. ``item`` names what is wrong when one key is to blame
    (a duplicated answer id), else None; ``message`` says what, without echoing the input."""

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.item = item


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` safe to print on one line: non-printable characters escaped (a key could hold a
    newline or a terminal escape), and cut to ``limit`` characters."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text[: limit * 2])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_blank(data: bytes | str) -> bool:
    if isinstance(data, bytes):
        return not data.strip(_JSON_SPACE)
    return not data.strip(" \t\r\n")


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """Each line of ``stream`` (lines end at a newline), or None for a line longer than ``limit``
    bytes, whose bytes are read past in small pieces and never held. A UTF-8 byte order mark
    at the very start is dropped (spreadsheet programs write one)."""
    first = True
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if first and line.startswith(_BOM):
            line = line[len(_BOM) :]
        first = False
        if len(line) > limit and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield None
        else:
            yield line


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        piece = stream.readline(_SKIP_CHUNK)
        if not piece or piece.endswith(b"\n"):
            return


def read_document(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> bytes | None:
    """The whole of ``stream``, or None when it is longer than ``limit`` bytes (not read further)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        return None
    return data[len(_BOM) :] if data.startswith(_BOM) else data


def too_long_message(limit: int = MAX_LINE_BYTES) -> str:
    return f"longer than {limit:,} bytes (the limit): not read"


def parse(data: bytes | str) -> object:
    """One JSON value from ``data``, or ``Refused`` saying why not."""
    text = _decoded(data) if isinstance(data, bytes) else data
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except Refused:
        raise
    except _DuplicateKey as exc:
        raise Refused("given twice in one object", item=shown(exc.key)) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if "\n" in text.rstrip() else f"column {exc.colno}"
        raise Refused(f"not valid JSON: {exc.msg} at {where}") from None
    except ValueError:
        # int() refuses more than 4,300 digits (sys.get_int_max_str_digits) inside json.loads.
        raise Refused("not valid JSON here: a number has more than 4,300 digits") from None
    except RecursionError:
        # The C parser counts its own depth and stops at the interpreter's recursion limit
        # (about 1,000) with this error, never a crash.
        raise Refused(f"nested more than {MAX_DEPTH} deep") from None
    # Cheap first: a text with few brackets cannot nest deeply (every screen takes this path).
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(value)
    return value


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte {exc.start + 1} (save the file as UTF-8)"
        ) from None


def _check_depth(value: object) -> None:
    """Refuse JSON nested more than MAX_DEPTH deep: without a limit, scoring a value or printing
    one in a message could run out of stack. A loop, not recursion, for the same reason."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Refused(f"nested more than {MAX_DEPTH} deep")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _constant(name: str) -> object:
    raise Refused(f"not valid JSON: {name} is not a JSON number")
