"""What a participant may leave so intake can reach them; validated before anything is stored."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from intake.vocab import EMAIL_MAX_CHARS

PHONE_SEPARATORS = re.compile(r"[\s\-()+]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
BestTime = Literal["morning", "afternoon", "evening", "any"]
BEST_TIMES: tuple[BestTime, ...] = get_args(BestTime)


class ContactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str
    phone: str | None = None
    email: str | None = None
    best_time: BestTime = "any"
    voicemail_ok: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        # Python's strip as well: pydantic's leaves separators such as \x1f, so a name could look blank.
        value = value.strip()
        if not 1 <= len(value) <= 80:
            raise ValueError("name: give a first name or initials (1 to 80 characters)")
        return value

    @field_validator("phone", "email", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = PHONE_SEPARATORS.sub("", value)
        # isdecimal, not isdigit: superscripts are digits to Python, but nobody can dial them.
        if not digits.isdecimal() or not 10 <= len(digits) <= 15:
            raise ValueError("phone: enter 10 to 15 digits; spaces, dashes, brackets and + are fine")
        # Digits of any script (a phone keyboard may type ٠-٩), stored as 0-9 for intake to dial.
        digits = "".join(str(unicodedata.decimal(ch)) for ch in digits)
        return ("+" if value.startswith("+") else "") + digits

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if len(value) > EMAIL_MAX_CHARS or not EMAIL.match(value):
            raise ValueError("email: enter an address like name@example.org")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> ContactRequest:
        if self.phone is None and self.email is None:
            raise ValueError("phone or email: give at least one so intake can reach you")
        return self


def contact_problems(data: dict[str, Any]) -> dict[str, str]:
    """Field name -> message for a form to show beside each field; empty when ``data`` is valid."""
    try:
        ContactRequest.model_validate(data)
    except ValidationError as exc:
        return problems_of(exc)
    return {}


def problems_of(exc: ValidationError) -> dict[str, str]:
    """A ContactRequest ValidationError as field name -> message (the "phone or email" one under phone)."""
    problems: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "phone"
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.setdefault(field, message if ":" in message else f"{field}: {message}")
    return problems
