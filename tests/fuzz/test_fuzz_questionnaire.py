"""Fuzzing the questionnaire loader: a broken file stops the app with ``QuestionnaireError`` naming
the file, never with another exception.

Inputs: real questionnaire files (the two smallest: a whole file costs some 5 ms to parse, and
10,000 of them must fit the time budget) with one to three random text, byte or structure
mutations; and random YAML documents. One file goes through ``_load_section`` (10,000 examples);
the public ``load_questionnaire`` on a folder of all twelve files, one of them mutated, gets a
sample of 1,000, with the eleven untouched files parsed once.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from junk import json_values

from scoring import questionnaire as q
from scoring.questionnaire import QuestionnaireError, _load_section, load_questionnaire
from scoring.schema import Section

pytestmark = pytest.mark.fuzz

BASES = {
    name: (q.QUESTIONNAIRE_DIR / name).read_text(encoding="utf-8") for name in ("about.yaml", "alcohol.yaml")
}
TREES = {name: yaml.safe_load(text) for name, text in BASES.items()}
# Characters that mean something to YAML, plus a few that often break parsers.
YAML_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(":-{}[],#&*!|>'\"%@`?\n\t \\0123456789.eE+~"), st.characters(codec="utf-8")
    ),
    max_size=12,
)
# Mostly the smaller file: three quarters of the examples cost half as much to parse.
FILE_NAMES = st.sampled_from(["about.yaml", "about.yaml", "about.yaml", "alcohol.yaml"])
TEXT_MUTATIONS = (
    "delete",
    "insert",
    "replace_line",
    "duplicate_line",
    "swap_lines",
    "indent",
    "truncate",
    "bytes",
)


@st.composite
def text_mutations(draw) -> tuple[str, bytes]:
    name = draw(FILE_NAMES, label="file")
    data = BASES[name].encode("utf-8")
    for _ in range(draw(st.integers(1, 3), label="mutations")):
        kind = draw(st.sampled_from(TEXT_MUTATIONS), label="mutation")
        lines = data.split(b"\n")
        at = draw(st.integers(0, len(data)), label="at")
        line = draw(st.integers(0, len(lines) - 1), label="line")
        if kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            data = data[:at] + draw(YAML_TEXT).encode("utf-8") + data[at:]
        elif kind == "replace_line":
            lines[line] = draw(YAML_TEXT).encode("utf-8")
            data = b"\n".join(lines)
        elif kind == "duplicate_line":
            lines.insert(line, lines[line])
            data = b"\n".join(lines)
        elif kind == "swap_lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            data = b"\n".join(lines)
        elif kind == "indent":
            shift = draw(st.integers(-4, 4))
            lines[line] = b" " * shift + lines[line] if shift > 0 else lines[line][-shift:]
            data = b"\n".join(lines)
        elif kind == "truncate":
            data = data[:at]
        else:  # raw bytes, often not UTF-8 (a file saved by an editor in another encoding)
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return name, data


def _paths(tree: object, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _paths(value, (*prefix, index))


PATHS = {name: list(_paths(tree))[1:] for name, tree in TREES.items()}
FIELD_NAMES = ["id", "type", "text", "options", "asked_if", "value", "label", "any", "all", "op", "item"]
STRUCTURE_MUTATIONS = ("replace", "delete", "add_key", "copy_from", "duplicate", "empty")


@st.composite
def structure_mutations(draw) -> tuple[str, bytes]:
    """A real file parsed, changed in one to three places, and written back as YAML."""
    import copy

    name = draw(FILE_NAMES, label="file")
    tree = copy.deepcopy(TREES[name])
    for _ in range(draw(st.integers(1, 3), label="mutations")):
        path = draw(st.sampled_from(PATHS[name]), label="path")
        try:
            parent = functools.reduce(lambda node, key: node[key], path[:-1], tree)
            parent[path[-1]]  # still there after an earlier mutation?
        except (KeyError, IndexError, TypeError):
            continue
        kind = draw(st.sampled_from(STRUCTURE_MUTATIONS), label="mutation")
        key = path[-1]
        if kind == "replace":
            parent[key] = draw(json_values(), label="value")
        elif kind == "delete":
            del parent[key]
        elif kind == "add_key" and isinstance(parent, dict):
            parent[draw(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)))] = draw(json_values())
        elif kind == "copy_from":
            # A value of the right shape from elsewhere in the file: ids, conditions and options
            # that are well-formed but wrong.
            source = draw(st.sampled_from(PATHS[name]), label="from")
            try:
                parent[key] = copy.deepcopy(functools.reduce(lambda node, k: node[k], source, TREES[name]))
            except (KeyError, IndexError, TypeError):
                continue
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif kind == "empty":
            parent[key] = type(parent[key])() if isinstance(parent[key], dict | list | str) else None
    return name, yaml.dump(tree, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True).encode("utf-8")


RANDOM_DOCUMENTS = st.one_of(
    st.builds(lambda v: yaml.dump(v, Dumper=yaml.CSafeDumper).encode("utf-8"), json_values()),
    YAML_TEXT.map(lambda text: text.encode("utf-8")),
    st.binary(max_size=40),
).map(lambda data: ("random.yaml", data))

FILES = st.one_of(text_mutations(), structure_mutations(), RANDOM_DOCUMENTS)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-questionnaire-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def check_refusal(exc: QuestionnaireError, file_name: str) -> None:
    message = str(exc)
    assert message.startswith(f"{file_name}: "), message
    assert message.removeprefix(f"{file_name}: ").strip(), "the message says what is wrong"


# --- Regressions found by this fuzzing (each raised another exception before its fix) ----------
LATIN_1 = ("about.yaml", BASES["about.yaml"].replace("About you", "À propos").encode("latin-1"))
DEEP = ("about.yaml", b"items: " + b"[" * 2000)
HUGE_NUMBER = ("about.yaml", BASES["about.yaml"].replace("order: 1", "order: " + "9" * 5000).encode("utf-8"))


@settings(max_examples=10_000, deadline=None, derandomize=True)
@given(FILES)
@example(LATIN_1)
@example(DEEP)
@example(HUGE_NUMBER)
def test_loading_one_file_gives_a_section_or_an_error_naming_the_file(scratch: Path, file: tuple[str, bytes]):
    name, data = file
    path = scratch / name
    path.write_bytes(data)
    try:
        section = _load_section(path)
    except QuestionnaireError as exc:
        event("refused")
        check_refusal(exc, name)
    else:
        event("loaded")
        assert isinstance(section, Section)


@functools.cache
def _section_of(name: str, data: bytes) -> Section:
    """The real loader's answer for one file's content, parsed once per content."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-one-"))
    try:
        path = folder / name
        path.write_bytes(data)
        return _load_section(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _memo_load_section(path: Path) -> Section:
    """``_load_section`` for the eleven untouched files from memory; the mutated one for real."""
    data = path.read_bytes()
    if data == (q.QUESTIONNAIRE_DIR / path.name).read_bytes():
        return _section_of(path.name, data)
    return _load_section(path)


@pytest.fixture(scope="module")
def folder(scratch: Path) -> Path:
    folder = scratch / "all"
    shutil.copytree(q.QUESTIONNAIRE_DIR, folder)
    return folder


# 1,000: each example also runs every cross-file check over all twelve sections.
@settings(max_examples=1_000, deadline=None, derandomize=True)
@given(st.one_of(text_mutations(), structure_mutations()))
@example(LATIN_1)
def test_loading_the_folder_gives_a_questionnaire_or_an_error_naming_a_file(folder: Path, file):
    name, data = file
    (folder / name).write_bytes(data)
    q._load_cached.cache_clear()  # the loader caches per folder; each example is a new folder content
    try:
        with mock.patch.object(q, "_load_section", _memo_load_section):
            loaded = load_questionnaire(folder)
    except QuestionnaireError as exc:
        event("refused")
        message = str(exc)
        # Cross-file problems name a file (possibly another one: a duplicate id is found in the later file).
        named = message.split(": ", 1)[0]
        assert named.endswith(".yaml") or named == str(folder.resolve()), message
        assert message.split(": ", 1)[1].strip()
    else:
        event("loaded")
        assert len(loaded.sections) == 12
    finally:
        (folder / name).write_bytes(BASES[name].encode("utf-8"))
        q._load_cached.cache_clear()
