"""The shape of a questionnaire file (``questionnaires/*.yaml``), checked with pydantic v2.

Item types form a discriminated union on ``type`` so that a file naming an unknown type fails
with a message that says so. Cross-file checks (unique ids, conditions naming earlier items,
agreement with the spec's canonical values) live in ``scoring.questionnaire``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scoring.languages import languages

ConditionOp = Literal["=", "!=", ">", ">=", "<", "<="]


class _Strict(BaseModel):
    # A typo in a key (say ``text_loved_on``) must fail loudly, not be ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clause(_Strict):
    """One comparison against an earlier answer: ``{item: auditc.1, op: ">", value: 0}``."""

    item: str
    op: ConditionOp
    value: bool | int | str


class Condition(_Strict):
    """When an item is asked: true if ``any`` clause holds (or ``all`` of them do).

    Maps one to one onto FHIR ``enableWhen`` with ``enableBehavior`` any/all.
    """

    any: tuple[Clause, ...] | None = None
    all: tuple[Clause, ...] | None = None

    @model_validator(mode="after")
    def _exactly_one_list(self) -> Condition:
        if (self.any is None) == (self.all is None):
            raise ValueError("a condition needs exactly one of 'any' or 'all'")
        if not self.clauses:
            raise ValueError("a condition needs at least one clause")
        return self

    @property
    def behavior(self) -> Literal["any", "all"]:
        return "any" if self.any is not None else "all"

    @property
    def clauses(self) -> tuple[Clause, ...]:
        # ``or ()`` only for the type checker: once validated, exactly one of the two is set.
        return self.any if self.any is not None else self.all or ()


class IntOption(_Strict):
    value: int
    label: str
    label_loved_one: str | None = None


class CodeOption(_Strict):
    value: str
    label: str
    label_loved_one: str | None = None
    # A multi-choice code that must be chosen alone (``none_3m``: "none in the past 3 months").
    exclusive: bool = False


_Option = TypeVar("_Option", IntOption, CodeOption)


def _unique_values(options: tuple[_Option, ...]) -> tuple[_Option, ...]:
    """An item's option values must differ."""
    seen: set[int | str] = set()
    for option in options:
        if option.value in seen:
            raise ValueError(f"option value {option.value!r} appears twice")
        seen.add(option.value)
    return options


# The answer options of every item type that has them: at least two, values distinct.
Options = Annotated[tuple[_Option, ...], Field(min_length=2), AfterValidator(_unique_values)]


# Whether a translated text is the instrument owner's published wording in that language, word
# for word ("published"), or the project's own translation ("own"), which the result then says
# has not been validated in that language.
Wording = Literal["published", "own"]


def _gather_translations(raw: object) -> object:
    """Move the language blocks (``es:``) of a file's mapping under ``translations``: the YAML
    keeps each language beside the English it translates, the model keys them by language."""
    if not isinstance(raw, dict):
        return raw
    found = {code: raw[code] for code in languages().translations if code in raw}
    if not found:
        return raw
    rest = {key: value for key, value in raw.items() if key not in found}
    return {**rest, "translations": found}


def _label_only(value: object) -> object:
    # A translated option is written as its label alone unless it has a loved-one label too.
    return {"label": value} if isinstance(value, str) else value


class Labelled(Protocol):
    """An option's words in some language: an option itself, or its translation."""

    @property
    def label(self) -> str: ...

    @property
    def label_loved_one(self) -> str | None: ...


class OptionText(_Strict):
    label: str = Field(min_length=1)
    label_loved_one: str | None = Field(default=None, min_length=1)


class ItemText(_Strict):
    """An item in another language: every English text it has, and nothing it lacks (the
    loader checks that pairing and the number of options)."""

    wording: Wording  # of ``text`` and the option labels; loved-one and help texts are our own
    text: str = Field(min_length=1)
    text_loved_one: str = Field(min_length=1)
    help: str | None = Field(default=None, min_length=1)
    help_loved_one: str | None = Field(default=None, min_length=1)
    unknown_label: str | None = Field(default=None, min_length=1)
    options: tuple[Annotated[OptionText, BeforeValidator(_label_only)], ...] | None = None


class SectionText(_Strict):
    """A section's title and intro in another language, and where its published wording is from."""

    title: str = Field(min_length=1)
    title_loved_one: str = Field(min_length=1)
    intro: str | None = Field(default=None, min_length=1)
    intro_loved_one: str | None = Field(default=None, min_length=1)
    intro_wording: Wording | None = None
    # The published version this language's "published" items are quoted from.
    source: str | None = Field(default=None, min_length=1)


class _ItemBase(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$")
    text: str = Field(min_length=1)
    text_loved_one: str = Field(min_length=1)
    help: str | None = None
    help_loved_one: str | None = None
    asked_if: Condition | None = None
    # The instrument whose published wording this is (``phq9``); None for our own questions,
    # which must then be plain language (checked by the readability tests).
    instrument: str | None = None
    # The item in every other language of locales/languages.yaml, keyed by language code.
    translations: dict[str, ItemText] = Field(default_factory=dict)

    _translations_beside_english = model_validator(mode="before")(_gather_translations)


class YesNoItem(_ItemBase):
    """Answered with a bool; shown as two choices, "Yes" and "No", never a checkbox.

    With ``unknown_label`` a family member gets a third choice under that label ("I don't
    know"), stored as ``"unknown"`` (spec section 2); the person answering for themselves never does.
    """

    type: Literal["yes_no"]
    unknown_label: str | None = Field(default=None, min_length=1)


class ScaleItem(_ItemBase):
    """Answered with an int; each option carries its published score."""

    type: Literal["scale"]
    options: Options[IntOption]


class SingleChoiceItem(_ItemBase):
    """Answered with one ``str`` code."""

    type: Literal["single_choice"]
    options: Options[CodeOption]


class MultiChoiceItem(_ItemBase):
    """Answered with a non-empty list of distinct ``str`` codes."""

    type: Literal["multi_choice"]
    options: Options[CodeOption]


Item = Annotated[
    YesNoItem | ScaleItem | SingleChoiceItem | MultiChoiceItem,
    Field(discriminator="type"),
]


class Section(_Strict):
    """One questionnaire file: one step of the wizard."""

    section: str = Field(pattern=r"^[a-z][a-z_]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    order: int = Field(ge=1)
    title: str
    title_loved_one: str
    # Shown above the items; for an instrument, its published stem ("Over the last 2 weeks...").
    intro: str | None = None
    intro_loved_one: str | None = None
    # Citation shown in the README and the FHIR export for instrument sections.
    source: str | None = None
    translations: dict[str, SectionText] = Field(default_factory=dict)
    items: tuple[Item, ...] = Field(min_length=1)

    _translations_beside_english = model_validator(mode="before")(_gather_translations)
