"""Loading the questionnaire files and checking them as a whole.

Every file is parsed with the pydantic schema, then checked across files: unique item ids,
conditions that name earlier items with values of the right type, and agreement with the
spec's canonical ids and values. Any problem raises ``QuestionnaireError`` naming the file,
the item and the problem, so a broken file stops the app at start-up instead of mid-screen.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scoring.contract import CANONICAL, EXCLUSIVE_CODES, LOVED_ONE_MAY_NOT_KNOW
from scoring.languages import languages
from scoring.schema import Clause, CodeOption, Condition, Item, Labelled, Section, YesNoItem

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires"

# The comparison each condition operator stands for (shared by the validator and FHIR export).
# Any: a clause compares an answer with a value of the item's own type (checked at load time).
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
_ORDER_OPS = {">", ">=", "<", "<="}


class QuestionnaireError(Exception):
    """A questionnaire file is broken; the message names the file, the item and the problem."""


def clause_holds(clause: Clause, answers: Mapping[str, object]) -> bool:
    """A clause about an item that was not answered (or not asked) is false, even for ``!=``
    (FHIR differs there; the FHIR export adds an ``exists`` guard to match)."""
    value = answers.get(clause.item)
    if value is None:
        return False
    return OPS[clause.op](value, clause.value)


def condition_holds(condition: Condition | None, answers: Mapping[str, object]) -> bool:
    if condition is None:
        return True
    results = (clause_holds(c, answers) for c in condition.clauses)
    return any(results) if condition.behavior == "any" else all(results)


# eq=False: identity hashing, so validation can cache its compiled rules per questionnaire.
@dataclass(frozen=True, eq=False)
class Questionnaire:
    """All sections in wizard order, with a flat index of items by canonical id."""

    sections: tuple[Section, ...]
    items: Mapping[str, Item]
    section_of: Mapping[str, str]
    # A digest of every file, so a stored screen records exactly which wording it was shown.
    version: str
    _by_section: Mapping[str, Section] = field(repr=False)

    def section(self, name: str) -> Section:
        return self._by_section[name]

    def is_asked(self, item_id: str, answers: Mapping[str, object]) -> bool:
        return condition_holds(self.items[item_id].asked_if, answers)

    def asked_items(self, section: str, answers: Mapping[str, object]) -> list[Item]:
        """The items of one section that the answers so far call for, in order."""
        return [item for item in self.section(section).items if self.is_asked(item.id, answers)]

    def prune(self, answers: Mapping[str, object]) -> dict[str, object]:
        """Drop answers to follow-ups whose condition no longer holds (e.g. after going back).

        Walks in order so that a dropped answer also drops the follow-ups that depended on it.
        """
        kept: dict[str, object] = {}
        for item_id, item in self.items.items():
            if item_id in answers and condition_holds(item.asked_if, kept):
                kept[item_id] = answers[item_id]
        return kept


def _load_section(path: Path) -> Section:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(f"{path.name}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from exc
    # PyYAML raises ValueError for a number of more than 4,300 digits, RecursionError for deep nesting.
    except (yaml.YAMLError, ValueError) as exc:
        raise QuestionnaireError(f"{path.name}: not valid YAML: {exc}") from exc
    except RecursionError:
        raise QuestionnaireError(f"{path.name}: not valid YAML: nested too deeply") from None
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{path.name}: expected a mapping with 'section' and 'items'")
    try:
        return Section.model_validate(raw)
    except ValidationError as exc:
        raise QuestionnaireError(f"{path.name}: {_describe(exc, raw)}") from exc


def _describe(exc: ValidationError, raw: dict[object, object]) -> str:
    """Turn pydantic's error locations into 'item phq9.3: field: problem' lines."""
    lines = []
    listed = raw.get("items")
    items = listed if isinstance(listed, list) else []
    for error in exc.errors():
        loc = list(error["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            entry = items[loc[1]] if loc[1] < len(items) else None
            item_id = entry.get("id") if isinstance(entry, dict) else None
            where = f"item {item_id or '#' + str(loc[1] + 1)}: "
            loc = loc[2:]
            # Drop the discriminator tag pydantic inserts ("scale", "yes_no", ...).
            if (
                loc
                and isinstance(loc[0], str)
                and loc[0] in {"yes_no", "scale", "single_choice", "multi_choice"}
            ):
                loc = loc[1:]
        field_path = ".".join(str(part) for part in loc)
        lines.append(f"{where}{field_path + ': ' if field_path else ''}{error['msg']}")
    return "; ".join(lines)


def _item_values(item: Item) -> tuple[int | str, ...] | None:
    if isinstance(item, YesNoItem):
        return None
    return tuple(option.value for option in item.options)


def _check_against_contract(path: Path, item: Item) -> None:
    canonical = CANONICAL.get(item.id)
    if canonical is None:
        raise QuestionnaireError(f"{path.name}: item {item.id}: not an item id of the screening spec")
    if item.type != canonical.type:
        raise QuestionnaireError(
            f"{path.name}: item {item.id}: type {item.type!r} but the spec makes it {canonical.type!r}"
        )
    values = _item_values(item)
    spec_values = canonical.values or ()
    if values is not None and set(values) != set(spec_values):
        raise QuestionnaireError(
            f"{path.name}: item {item.id}: option values {sorted(values, key=str)} do not match "
            f"the spec's {sorted(spec_values, key=str)}"
        )
    may_not_know = item.type == "yes_no" and item.unknown_label is not None
    if may_not_know != (item.id in LOVED_ONE_MAY_NOT_KNOW):
        should = "needs" if item.id in LOVED_ONE_MAY_NOT_KNOW else "must not have"
        raise QuestionnaireError(
            f"{path.name}: item {item.id}: {should} an unknown_label (the spec lets a family member "
            'answer "I don\'t know" exactly to ' + ", ".join(sorted(LOVED_ONE_MAY_NOT_KNOW)) + ")"
        )
    exclusive = (
        {o.value for o in item.options if isinstance(o, CodeOption) and o.exclusive}
        if not isinstance(item, YesNoItem)
        else set()
    )
    expected = {EXCLUSIVE_CODES[item.id]} if item.id in EXCLUSIVE_CODES else set()
    if exclusive != expected:
        raise QuestionnaireError(
            f"{path.name}: item {item.id}: exclusive options {sorted(exclusive)} but the spec makes "
            f"{sorted(expected) or 'none'} stand alone"
        )


def _paired(english: object, translated: object, name: str, where: str) -> None:
    """A translated text exists exactly where its English one does: nothing falls back to
    English silently, and nothing is said only in translation."""
    if english is not None and translated is None:
        raise QuestionnaireError(f"{where} has no {name} (the English has one)")
    if english is None and translated is not None:
        raise QuestionnaireError(f"{where} has a {name}, but the English has none")


def _check_translations(path: Path, section: Section) -> None:
    """Every language of locales/languages.yaml translates every text of the file, with the
    same number of options; a file quoting published wording names its source."""
    for code in languages().translations:
        name = f"{languages().get(code).english_name} ({code}:)"
        section_text = section.translations.get(code)
        if section_text is None:
            raise QuestionnaireError(f"{path.name}: no {name} title and intro for the section")
        where = f"{path.name}: section's {name} block"
        _paired(section.intro, section_text.intro, "intro", where)
        _paired(section.intro_loved_one, section_text.intro_loved_one, "intro_loved_one", where)
        if section_text.intro is not None and section_text.intro_wording is None:
            raise QuestionnaireError(f"{where} needs intro_wording: published or own")
        published = [item.id for item in section.items if _wording(item, code) == "published"]
        if published and section_text.source is None:
            raise QuestionnaireError(
                f"{where} needs a source: {', '.join(published)} quote a published version"
            )
        for item in section.items:
            _check_item_translation(path, item, code, name)


def _wording(item: Item, code: str) -> str | None:
    translated = item.translations.get(code)
    return translated.wording if translated else None


def _check_item_translation(path: Path, item: Item, code: str, name: str) -> None:
    translated = item.translations.get(code)
    if translated is None:
        raise QuestionnaireError(f"{path.name}: item {item.id}: no {name} wording")
    where = f"{path.name}: item {item.id}: the {name} wording"
    _paired(item.help, translated.help, "help", where)
    _paired(item.help_loved_one, translated.help_loved_one, "help_loved_one", where)
    _paired(getattr(item, "unknown_label", None), translated.unknown_label, "unknown_label", where)
    english: Sequence[Labelled] | None = None if isinstance(item, YesNoItem) else item.options
    if english is None or translated.options is None:
        _paired(english, translated.options, "options", where)
        return
    if len(translated.options) != len(english):
        raise QuestionnaireError(f"{where} has {len(translated.options)} options, the English {len(english)}")
    for number, (option, text) in enumerate(zip(english, translated.options, strict=True), start=1):
        _paired(option.label_loved_one, text.label_loved_one, f"label_loved_one on option {number}", where)


def _check_condition(path: Path, item: Item, earlier: Mapping[str, Item]) -> None:
    if item.asked_if is None:
        return
    for clause in item.asked_if.clauses:
        target = earlier.get(clause.item)
        problem = None
        if target is None:
            problem = f"its condition names {clause.item!r}, which is not an earlier item"
        elif target.type == "multi_choice":
            problem = f"its condition compares {clause.item}, a multi-choice item"
        elif target.type == "yes_no" and (type(clause.value) is not bool or clause.op not in {"=", "!="}):
            problem = f"its condition on {clause.item} must test = or != true/false"
        elif target.type == "scale" and type(clause.value) is not int:
            problem = f"its condition on {clause.item} must compare with a whole number"
        elif target.type == "single_choice" and (
            clause.op in _ORDER_OPS or clause.value not in (_item_values(target) or ())
        ):
            problem = f"its condition on {clause.item} must test = or != one of its option values"
        if problem:
            raise QuestionnaireError(f"{path.name}: item {item.id}: {problem}")


def load_questionnaire(directory: Path | str | None = None) -> Questionnaire:
    """Load and check every ``*.yaml`` in ``directory``; raises ``QuestionnaireError``.

    Loaded once per directory and process: the default path skips even the path resolution,
    since scoring calls this for every screen.
    """
    if directory is None:
        return _load_cached(str(QUESTIONNAIRE_DIR))
    return _load_cached(str(Path(directory).resolve()))


@functools.lru_cache(maxsize=8)
def _load_cached(directory: str) -> Questionnaire:
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise QuestionnaireError(f"{directory}: no questionnaire files found")
    loaded = [(path, _load_section(path)) for path in paths]
    loaded.sort(key=lambda pair: pair[1].order)

    seen_sections: dict[str, Path] = {}
    seen_orders: dict[int, Path] = {}
    items: dict[str, Item] = {}
    section_of: dict[str, str] = {}
    digest = hashlib.sha256()
    for path, section in loaded:
        if section.section in seen_sections:
            raise QuestionnaireError(
                f"{path.name}: section {section.section!r} also in {seen_sections[section.section].name}"
            )
        if section.order in seen_orders:
            raise QuestionnaireError(
                f"{path.name}: order {section.order} also in {seen_orders[section.order].name}"
            )
        seen_sections[section.section] = path
        seen_orders[section.order] = path
        for item in section.items:
            if item.id in items:
                raise QuestionnaireError(
                    f"{path.name}: item {item.id}: duplicate id (also in section {section_of[item.id]})"
                )
            _check_against_contract(path, item)
            _check_condition(path, item, items)
            items[item.id] = item
            section_of[item.id] = section.section
        # After the English checks, so a broken English item is named as such first.
        _check_translations(path, section)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())

    missing = [item_id for item_id in CANONICAL if item_id not in items]
    if missing:
        raise QuestionnaireError(
            f"{directory}: the spec's items are missing from every file: {', '.join(missing)}"
        )

    sections = tuple(section for _, section in loaded)
    return Questionnaire(
        sections=sections,
        items=items,
        section_of=section_of,
        version=digest.hexdigest()[:12],
        _by_section={section.section: section for section in sections},
    )
