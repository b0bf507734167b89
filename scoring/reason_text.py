"""Plain-language wording of the reasons, for the person answering about themselves or about
someone they care about. Templates use {they} {their} {them} ({They} {Their} at the start of
a sentence); "you" and "they" take the same verb forms, so one template serves both."""

from __future__ import annotations

import functools

PRONOUNS = {
    "self": {"they": "you", "their": "your", "them": "you", "They": "You", "Their": "Your"},
    "loved_one": {"they": "they", "their": "their", "them": "them", "They": "They", "Their": "Their"},
}

TEMPLATES = {
    "urgent": (
        "{Their} answers say {they} may not be safe right now: {details}. "
        "Please get help now: call or text 988, or call 911 if there is danger right now."
    ),
    "H1": (
        "Stopping or cutting down could be medically risky for {them}: {details}. "
        "Medically supervised withdrawal or medical care should come first."
    ),
    "H2": (
        "{They} do not have a safe, stable place to live right now ({details}). A 24-hour "
        "structured setting or safe housing may need to come first, alongside treatment."
    ),
    "H3": (
        "{They} had IOP or a day program in the last 3 months, and {their} answers still show "
        "a strong relapse pattern ({details}). A more structured setting may help more than IOP."
    ),
    "H4": (
        "{Their} mood or anxiety symptoms are severe ({details}), and support at home is "
        "low or unsafe. A more structured setting may be safer to start with."
    ),
    "step_down": (
        "{They} are in, or recently left, a hospital, residential or day program ({details}). "
        "IOP is a common next step down that keeps support going."
    ),
    "co_occurring": (
        "{Their} answers show both alcohol or drug use and mental health concerns ({details}). "
        "IOP can treat both at the same time."
    ),
    "relapse_risk": (
        "{Their} answers show warning signs of relapse: {details}. "
        "IOP gives structure and support several days a week."
    ),
    "step_up": "{They} said regular outpatient care has not been enough. IOP is the next step up.",
    "repeated_treatment": (
        "{They} have had treatment {details} before. More structure and support may help this time."
    ),
    "severe_symptoms": (
        "{Their} answers show severe {details}. IOP offers much more support than a weekly visit."
    ),
    "home_support_low": (
        "Support at home looks low ({details}). Recovery housing, family sessions or a peer "
        "support group can help alongside IOP."
    ),
    "home_support_unsafe": (
        "{They} do not have a safe, stable place to live ({details}). Ask about safe or recovery "
        "housing alongside IOP."
    ),
    "practical_barrier": (
        "Getting to sessions may be hard ({details}). Ask about evening or telehealth IOP and "
        "about help with transport."
    ),
    "outpatient_need": (
        "{Their} answers show some concerns, but not the signs that usually call for IOP. "
        "Regular outpatient care or a peer support group may be enough. "
        "Intake staff can still talk with {them}."
    ),
    "outpatient_no_need": (
        "{Their} answers do not show the alcohol, drug or mental health concerns that IOP is "
        "for. Regular outpatient care or peer support may be enough. "
        "Intake staff can still talk with {them}."
    ),
}

DETAILS = {
    "suicide_risk_high": "thoughts of suicide with intent or a plan, or a recent step toward ending {their} life",
    "harm_others": "thoughts of seriously hurting someone else",
    "severe_withdrawal": "severe withdrawal signs, like seeing or hearing things, confusion or a seizure",
    "severe_symptoms": "severe withdrawal signs right now",
    "complicated_history": "a seizure, DTs or hallucinations when stopping before",
    "alcohol_and_sedatives": "daily alcohol together with daily sedatives such as benzodiazepines",
    "alcohol_age_65_plus": "daily drinking at age 65 or older",
    "medical_unstable": "a serious health problem that needs frequent medical care",
    "pregnant_daily_use": "daily alcohol or sedative use during pregnancy",
    "not_safe_home": "{they} do not feel safe where {they} live",
    "no_housing": "{they} have no place to live",
    "recent_use": "drinking or drug use in the past 30 days",
    "risk_factors": "many risk factors, such as cravings, poor sleep or risky places and people",
    "low_protection": "few things supporting recovery",
    "recent_return": "going back to use after a time of not using",
    "low_mspss": "little support from people around {them}",
    "unstable_housing": "housing is not stable",
    "others_using": "someone at home drinks heavily or uses drugs",
    "attend_no": "about 9 hours a week is hard to fit in",
    "transport_no": "no way to get there",
    "2_3": "2 or 3 times",
    "4_plus": "4 or more times",
    "substance_high": "alcohol or drug use",
    "mental_high": "depression or anxiety symptoms",
    "and": "and",
}


@functools.lru_cache(maxsize=4096)
def render(rule: str, respondent: str, details: tuple[str, ...] = ()) -> str:
    """The reason's text, with detail phrases joined in plain English (cached: few distinct)."""
    words = PRONOUNS[respondent]
    phrases = [DETAILS[d].format(**words) if d in DETAILS else d for d in details]
    joined = ", ".join(phrases[:-1]) + " and " + phrases[-1] if len(phrases) > 1 else "".join(phrases)
    return TEMPLATES[rule].format(details=joined, **words)
