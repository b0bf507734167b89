"""Plain-language wording of the reasons, for the person answering about themselves or about
someone they care about. Templates use {they} {their} {them} ({They} {Their} at the start of
a sentence); "you" and "they" take the same verb forms, so one template serves both.

An IOP indicator's text is a finding and what IOP offers for it; reported as "also noted" under
another suggestion, only the finding is said, so a reason never argues for IOP against the
suggestion beside it.

A reason's details come in two forms: ``{signs}``, one short sentence per sign (``SIGNS``), for
lists that can grow long (a list in one sentence reads above grade 8); and ``{details}``, short
phrases joined into the sentence (``DETAILS``, or a phrase given as it is, like a score).
"""

from __future__ import annotations

import functools

from scoring.languages import SOURCE, translate
from scoring.vocab import Respondent

PRONOUNS: dict[Respondent, dict[str, str]] = {
    Respondent.SELF: {"they": "you", "their": "your", "them": "you", "They": "You", "Their": "Your"},
    Respondent.LOVED_ONE: {
        "they": "they",
        "their": "their",
        "them": "them",
        "They": "They",
        "Their": "Their",
    },
}

# IOP indicators: (the finding, what IOP offers for it).
INDICATORS = {
    "step_down": (
        "{They} had intensive care not long ago. {signs}",
        "IOP is a common next step down. It keeps support going.",
    ),
    "co_occurring": (
        "{Their} answers show both alcohol or drug use and mental health concerns. {signs}",
        "IOP can treat both at the same time.",
    ),
    "relapse_risk": (
        "{Their} answers show warning signs of relapse. {signs}",
        "IOP gives structure and support several days a week.",
    ),
    "step_up": (
        "{They} said regular outpatient care has not been enough.",
        "IOP is the next step up.",
    ),
    "repeated_treatment": (
        "{They} have had treatment {details} before.",
        "More structure and support may help this time.",
    ),
    "severe_symptoms": (
        "{Their} answers show severe symptoms. {signs}",
        "IOP gives much more support than a weekly visit.",
    ),
    "recent_overdose": (
        "{They} had an overdose in the past 3 months. A recent overdose is the strongest sign that "
        "another one could kill.",
        "IOP gives close support several days a week while {they} get safer.",
    ),
}
ALSO_NOTED = "Also noted: {finding}"

TEMPLATES = {
    "urgent": (
        "{Their} answers say {they} may not be safe right now. {signs} "
        "Please get help now: call or text 988, or call 911 if there is danger right now."
    ),
    "urgent_medical": (
        "{Their} answers say {they} may be in severe withdrawal. {signs} "
        "This is a medical emergency. Call 911 or go to the nearest emergency room now."
    ),
    # Severe withdrawal with suicide risk or thoughts of harming someone: 911 first, then 988.
    "urgent_medical_and_safety": (
        "{Their} answers say {they} may be in severe withdrawal and may not be safe. {signs} "
        "This is a medical emergency. Call 911 or go to the nearest emergency room now. "
        "For thoughts of suicide or of hurting someone, you can also call or text 988."
    ),
    "H1": (
        "Stopping or cutting down could be risky for {their} health. {signs} "
        "Medical care should come first, such as detox with doctors and nurses."
    ),
    "H1_medical": (
        "{They} have a serious health problem that needs frequent medical care right now. "
        "Care with doctors and nurses close by should come first, or a program that can "
        "work with {their} doctors."
    ),
    "H2": (
        "{They} do not have a safe, stable place to live right now. {signs} "
        "Safe housing or a 24-hour treatment setting may need to come first, along with treatment."
    ),
    "H3": (
        "{They} had IOP or a day program in the last 3 months. Still, {their} answers show a "
        "strong pattern of relapse. {signs} A more structured setting may help more than IOP."
    ),
    "H4": (
        "{Their} mood or anxiety symptoms are severe ({details}), and support at home is "
        "low or unsafe. A more structured setting may be safer to start with."
    ),
    **{rule: f"{finding} {fit}" for rule, (finding, fit) in INDICATORS.items()},
    "home_support_low": (
        "Support at home looks low. {signs} Recovery housing, family sessions or a peer "
        "support group can help alongside IOP."
    ),
    "home_support_unsafe": (
        "{They} do not have a safe, stable place to live right now. {signs} Ask about safe or recovery "
        "housing alongside IOP."
    ),
    "practical_barrier": (
        "Getting to sessions may be hard. {signs} Ask about evening or telehealth IOP and "
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
    # Beside a safety, overdose or home notice: no word of "no concerns".
    "outpatient_other_needs": (
        "IOP does not look like the first step for {them} right now. Some answers still need care, "
        "and the notes below say what can help. Intake staff can talk with {them} about them."
    ),
}

SIGNS = {
    "suicide_risk_high": (
        "{They} had thoughts of suicide with a plan or intent to act, or recently took a step "
        "toward ending {their} life."
    ),
    "harm_others": "{They} had thoughts of seriously hurting someone else.",
    "severe_withdrawal": (
        "{They} have severe withdrawal signs, like seeing or hearing things, confusion or a seizure."
    ),
    "severe_symptoms": "{They} have severe withdrawal signs right now.",
    "complicated_history": "{They} had a seizure, the DTs or hallucinations when {they} stopped before.",
    "alcohol_and_sedatives": "{They} drink alcohol every day and take sedatives, like benzos, every day too.",
    "alcohol_age_65_plus": "{They} are 65 or older and have 3 or more drinks a day, every day.",
    "medical_unstable": "{They} have a serious health problem that needs frequent medical care.",
    "pregnant_daily_alcohol": "{They} are pregnant and drink alcohol every day.",
    "not_safe_home": "{They} do not feel safe where {they} live.",
    # step_down: which care, and when it ended.
    "care_php": "It was a day program (partial hospital).",
    "care_residential": "It was a residential program.",
    "care_inpatient": "It was a hospital, detox or mental health unit.",
    "status_currently_in": "{They} are there now.",
    "status_discharged_30d": "{They} left in the last 30 days.",
    "status_discharged_90d": "{They} left in the last 3 months.",
    # co_occurring and severe_symptoms: the levels, one short sentence each.
    "use_moderate": "Alcohol or drug use is a concern.",
    "use_high": "Alcohol or drug use is a serious concern.",
    "mood_moderate": "Mental health is a concern.",
    "mood_high": "Mental health is a serious concern.",
    "severe_use": "{Their} alcohol or drug use is severe.",
    "severe_mood": "{Their} depression or anxiety symptoms are severe.",
    "no_housing": "{They} have no place to live.",
    "recent_use": "{They} drank or used drugs in the past 30 days.",
    "risk_factors": "{They} have many risk factors, like cravings, poor sleep or risky places and people.",
    "low_protection": "{They} have few things that support recovery.",
    "recent_return": "{They} went back to using after a time of not using.",
    "low_mspss": "{They} get little support from people around {them}.",
    "unstable_housing": "{Their} housing is not stable.",
    "others_using": "Someone at home drinks a lot or uses drugs.",
    "attend_no": "About 9 hours a week is hard to fit in.",
    "transport_no": "{They} have no way to get there.",
}

DETAILS = {
    "2_3": "2 or 3 times",
    "4_plus": "4 or more times",
    "and": "and",
}
# A score beside its highest value ("PHQ-9 21 of 27"), as a detail: ``score_of`` writes it,
# ``render`` words it in the reader's language.
SCORE_OF = "{name} {score} of {top}"
_SCORE_DETAIL = "score_of"


def score_of(name: str, score: int, top: int) -> str:
    """A score detail for ``render`` (kept as data until the language is known)."""
    return f"{_SCORE_DETAIL}:{name}:{score}:{top}"


def _phrase(detail: str, words: dict[str, str], lang: str) -> str:
    if detail in DETAILS:
        return translate(DETAILS[detail], lang).format(**words)
    kind, _, values = detail.partition(":")
    if kind == _SCORE_DETAIL:
        name, score, top = values.split(":")
        return translate(SCORE_OF, lang).format(name=name, score=score, top=top)
    return detail


# The context of a pronoun's translation ("pronoun self they"): the same English word may need
# two words in another language. ui/messages.py lists these for the catalogs.
PRONOUN_CONTEXT = "pronoun {respondent} {key}"


@functools.lru_cache(maxsize=4096)
def render(
    rule: str,
    respondent: Respondent,
    details: tuple[str, ...] = (),
    also_noted: bool = False,
    lang: str = SOURCE,
) -> str:
    """The reason's text in ``lang``: signs as sentences, other details as phrases joined in
    plain words (cached: few distinct). ``also_noted``: an IOP indicator under another
    suggestion, said as a finding only."""
    words = {
        key: translate(word, lang, PRONOUN_CONTEXT.format(respondent=respondent.value, key=key))
        for key, word in PRONOUNS[respondent].items()
    }
    signs = " ".join(translate(SIGNS[d], lang).format(**words) for d in details if d in SIGNS)
    phrases = [
        translate(DETAILS[d], lang).format(**words) if d in DETAILS else d for d in details if d not in SIGNS
    ]
    joiner = f" {translate(DETAILS['and'], lang)} "
    joined = ", ".join(phrases[:-1]) + joiner + phrases[-1] if len(phrases) > 1 else "".join(phrases)
    if also_noted:
        template = translate(ALSO_NOTED, lang).format(finding=translate(INDICATORS[rule][0], lang))
    else:
        template = translate(TEMPLATES[rule], lang)
    # A template with no signs to show would otherwise keep a double space.
    return " ".join(template.format(details=joined, signs=signs, **words).split())
