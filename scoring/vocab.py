"""The clinical vocabularies of the screening spec, named once.

Each is a ``StrEnum``: a member *is* its code string (``Disposition.IOP == "iop"``), so stored
data, results and the command-line contract keep exactly the strings of the spec, while code
names the member and a typo is an ``AttributeError`` instead of a silent mismatch.
Display labels live in ui (one place), never here.
"""

from __future__ import annotations

from enum import StrEnum


class Respondent(StrEnum):
    """Who answered: the person themself, or a family member or friend about them."""

    SELF = "self"
    LOVED_ONE = "loved_one"


class Disposition(StrEnum):
    """The suggested level of care (spec section 5), most intensive first."""

    URGENT = "urgent"
    HIGHER_LEVEL = "higher_level"
    IOP = "iop"
    IOP_WITH_SUPPORTS = "iop_with_supports"
    OUTPATIENT = "outpatient"


class Domain(StrEnum):
    """The result's domains (spec section 4), in the order the result lists them."""

    SAFETY = "safety"
    WITHDRAWAL_MEDICAL = "withdrawal_medical"
    SUBSTANCE_USE = "substance_use"
    MENTAL_HEALTH = "mental_health"
    DUAL_DIAGNOSIS = "dual_diagnosis"
    RELAPSE_RISK = "relapse_risk"
    PRIOR_CARE = "prior_care"
    HOME_SUPPORT = "home_support"
    PRACTICAL = "practical"


class Level(StrEnum):
    """Every level any domain can take; ``scoring.domains.LEVELS`` says which belong to which."""

    NONE = "none"
    ELEVATED = "elevated"
    URGENT = "urgent"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    ABSENT = "absent"
    PRESENT = "present"
    NOT_APPLICABLE = "not_applicable"
    SOME = "some"
    RECENT_INTENSIVE = "recent_intensive"
    UNSAFE = "unsafe"
    BARRIER = "barrier"
    UNCERTAIN = "uncertain"
    OK = "ok"
