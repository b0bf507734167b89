"""Bad input is rejected with one message per offending item id (spec sections 2, 5 and 7)."""

import pytest

from scoring import ScreenInvalid, evaluate
from tests.support.spec_screens import (
    DOMAINS,
    ITEM,
    MAY_NOT_KNOW,
    RELAPSE_ITEMS,
    UNKNOWN,
    baseline,
    daily_sedatives,
    depressed,
    dont_know,
    drinker,
    drug_use,
    harm_to_others,
    in_recovery,
    on_moud,
    person,
    prior_care,
    raw,
    required_ids,
    rules,
    stopped_after,
    suicide_screen,
    trauma,
    with_answers,
    withdrawal,
    without,
)


def rejected(screen) -> list[dict]:
    """The errors of a screen that must be rejected."""
    with pytest.raises(ScreenInvalid) as info:
        evaluate(screen)
    errors = info.value.errors
    assert isinstance(errors, list) and errors
    for error in errors:
        assert isinstance(error["message"], str) and error["message"].strip()
    return errors


def items_named(screen) -> list:
    return [e["item"] for e in rejected(screen)]


def test_a_complete_valid_screen_is_accepted():
    assert evaluate(baseline())["disposition"] == "outpatient"


# --- unknown ids ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    [
        "bam.7",
        "bam.18",
        "phq9.10",
        "phq9.0",
        "gad7.8",
        "auditc.4",
        "pcptsd5.6",
        "cssrs.7",
        "mspss.13",
        "PHQ9.1",
        "phq9_1",
        "taps1.alcohol",
        "withdrawal.daily_cannabis",
        "about.gender",
        "readiness",
    ],
)
def test_unknown_id_is_rejected_by_name(item):
    assert items_named(raw(baseline(), {item: 0})) == [item]


# --- wrong type -----------------------------------------------------------------------------

WRONG_TYPE = [
    ("phq9.1", True),
    ("phq9.1", False),
    ("gad7.3", True),
    ("readiness.ruler", True),
    ("mspss.4", True),
    ("phq9.2", "1"),
    ("taps1.tobacco", "0"),
    ("phq9.3", 1.5),
    ("mspss.1", None),
    ("cssrs.1", 1),
    ("cssrs.1", 0),
    ("home.safe", 1),
    ("home.safe", "yes"),
    ("mh.diagnosis", None),
    ("practical.telehealth_ok", "true"),
    ("pcptsd5.exposure", 0),
    ("about.age_band", 1),
    ("home.housing", True),
    ("prior_care.episodes_lifetime", 2),
    ("prior_care.episodes_lifetime", 0),
    ("practical.preferred_time", ["evening"]),
]


@pytest.mark.parametrize(("item", "value"), WRONG_TYPE)
def test_wrong_type_is_rejected_by_name(item, value):
    assert items_named(raw(baseline(), {item: value})) == [item]


@pytest.mark.parametrize(("item", "value"), [("bam.14", True), ("bam.3", "2"), ("recovery.history", 1)])
def test_wrong_type_in_the_relapse_section_is_rejected_by_name(item, value):
    assert items_named(raw(in_recovery(), {item: value})) == [item]


def test_true_is_not_a_score():
    assert items_named(raw(depressed(phq9=1), {"phq9.1": True})) == ["phq9.1"]


def test_one_is_not_a_yes():
    assert items_named(raw(baseline(), {"safety.harm_others": 1})) == ["safety.harm_others"]


@pytest.mark.parametrize("value", ["cannabis", None, 1, [1], ("cannabis",)])
def test_substances_must_be_a_list_of_codes(value):
    screen = raw(drug_use(drugs=2), {"drugs.substances": value})
    assert items_named(screen) == ["drugs.substances"]


# --- out of range ---------------------------------------------------------------------------

OUT_OF_RANGE = [
    (baseline, "phq9.1", 4),
    (baseline, "phq9.9", -1),
    (baseline, "gad7.7", 4),
    (lambda: drinker(auditc=(2, 1, 0)), "auditc.3", 5),
    (baseline, "taps1.tobacco", 5),
    (baseline, "taps1.rx", -1),
    (in_recovery, "bam.1", 5),
    (in_recovery, "bam.17", 5),
    (in_recovery, "bam.14", 1),
    (in_recovery, "bam.14", 2),
    (in_recovery, "bam.14", 3),
    (baseline, "mspss.1", 0),
    (baseline, "mspss.12", 8),
    (baseline, "readiness.ruler", 11),
    (baseline, "readiness.ruler", -1),
    (baseline, "about.age_band", "teen"),
    (baseline, "about.age_band", "18-25"),
    (baseline, "about.pregnant", "maybe"),
    (baseline, "home.housing", "Stable"),
    (baseline, "home.others_using", ""),
    (lambda: drinker(auditc=(1, 0, 0)), "relapse.recent_return", "n/a"),
    (baseline, "prior_care.episodes_lifetime", "2"),
    (baseline, "prior_care.outpatient_not_enough", "not tried"),
    (baseline, "practical.attend_hours", "unsure"),
    (baseline, "practical.transport", "maybe"),
    (baseline, "practical.preferred_time", "night"),
    (lambda: drug_use(drugs=1), "drugs.substances", ["alcohol"]),
    (lambda: drug_use(drugs=1), "drugs.substances", ["cannabis", "tobacco"]),
    (lambda: drug_use(drugs=1), "drugs.substances", ["cannabis", "cannabis"]),
    (lambda: drug_use(drugs=1), "drugs.substances", ["None_3m"]),
    (daily_sedatives, "withdrawal.current_symptoms", "moderate"),
    (lambda: prior_care(most_intensive="iop"), "prior_care.status", "discharged_6m"),
    (lambda: prior_care(most_intensive="iop"), "prior_care.completed", "dropped_out"),
]


@pytest.mark.parametrize(
    ("situation", "item", "value"), OUT_OF_RANGE, ids=[f"{i}={v!r}" for _, i, v in OUT_OF_RANGE]
)
def test_value_out_of_range_is_rejected_by_name(situation, item, value):
    assert items_named(raw(situation(), {item: value})) == [item]


# --- answered although not asked ------------------------------------------------------------

NOT_ASKED = [
    (baseline, "auditc.2", 0),
    (baseline, "auditc.3", 1),
    (lambda: person(sex="male"), "about.pregnant", "no"),
    (lambda: drinker(auditc=(2, 1, 0)), "withdrawal.daily_alcohol", False),
    (baseline, "drugs.substances", ["cannabis"]),
    (lambda: drug_use(tobacco=4), "drugs.substances", ["cannabis"]),
    (baseline, "withdrawal.daily_opioids", False),
    (lambda: drug_use(drugs=1, daily_opioids=True), "withdrawal.history_complicated", False),
    (baseline, "withdrawal.history_complicated", True),
    (baseline, "withdrawal.current_symptoms", "none"),
    (baseline, "safety.overdose_90d", False),
    (baseline, "pcptsd5.1", False),
    (lambda: trauma(exposure=False), "pcptsd5.5", True),
    (baseline, "cssrs.3", False),
    (lambda: suicide_screen(wish_dead=True), "cssrs.4", True),
    (baseline, "cssrs.6_recent", False),
    (baseline, "cssrs.6_recent", True),
    (baseline, "prior_care.status", "discharged_12m"),
    (baseline, "prior_care.completed", "completed"),
    # Revision 2: the relapse section, MOUD and the overdose question have conditions of their own.
    (baseline, "bam.1", 0),
    (baseline, "bam.14", 4),
    (baseline, "bam.17", 3),
    (baseline, "relapse.recent_return", "no"),
    (lambda: drug_use(tobacco=4), "bam.4", 0),
    (lambda: in_recovery(value=False), "relapse.recent_return", "not_applicable"),
    (baseline, "withdrawal.moud", False),
    (baseline, "withdrawal.moud", True),
    (lambda: drinker(auditc=(4, 4, 4), daily=True), "withdrawal.moud", False),
    (daily_sedatives, "withdrawal.moud", False),
    (in_recovery, "safety.overdose_90d", False),
    (lambda: drinker(auditc=(4, 4, 4)), "safety.overdose_90d", False),
    # "unknown" is never a yes: it opens no follow-up.
    (lambda: dont_know("cssrs.2"), "cssrs.3", False),
    (lambda: dont_know("cssrs.2"), "cssrs.5", True),
    (lambda: dont_know("cssrs.6"), "cssrs.6_recent", False),
]


@pytest.mark.parametrize(
    ("situation", "item", "value"), NOT_ASKED, ids=[f"{i}={v!r}" for _, i, v in NOT_ASKED]
)
def test_follow_up_answered_when_not_asked_is_rejected(situation, item, value):
    screen = situation()
    assert not ITEM[item].asked(screen["answers"])
    assert items_named(raw(screen, {item: value})) == [item]


def test_a_whole_bam_for_someone_who_never_drank_used_or_had_a_problem_names_every_item():
    answers = in_recovery()["answers"]
    screen = raw(baseline(), {item_id: answers[item_id] for item_id in RELAPSE_ITEMS})
    errors = rejected(screen)
    assert sorted(e["item"] for e in errors) == sorted(RELAPSE_ITEMS)
    for error in errors:
        # The message says when the item is asked.
        assert "recovery.history" in error["message"], error


def test_withdrawal_moud_answered_when_not_asked_says_when_it_is_asked():
    [error] = rejected(raw(drinker(auditc=(2, 1, 0)), {"withdrawal.moud": True}))
    assert error["item"] == "withdrawal.moud"
    assert "recovery.history" in error["message"]


@pytest.mark.parametrize(
    ("situation", "item", "value"),
    [
        (baseline, "withdrawal.daily_alcohol", True),
        (baseline, "withdrawal.daily_opioids", True),
        (baseline, "withdrawal.current_symptoms", "severe"),
        (baseline, "cssrs.5", True),
        (baseline, "cssrs.6_recent", True),
    ],
    ids=["daily alcohol", "daily opioids", "severe symptoms", "plan", "recent attempt"],
)
def test_a_risky_answer_that_was_not_asked_is_rejected_not_scored(situation, item, value):
    # The answer may seem to open follow-ups, or to make safety urgent: it is still an error.
    assert item in items_named(raw(situation(), {item: value}))


def test_an_urgent_answer_that_was_not_asked_does_not_make_the_screen_urgent():
    # cssrs.4 is only asked after cssrs.2 = yes: here it is an error, not a crisis.
    errors = items_named(raw(baseline(), {"cssrs.4": True}))
    assert errors == ["cssrs.4"]


# --- missing --------------------------------------------------------------------------------


# Answers whose "asked if" reads the item: without it they may be named too.
DEPENDANTS = {
    "about.sex_at_birth": {"about.pregnant"},
    "recovery.history": {*RELAPSE_ITEMS, "withdrawal.moud", "safety.overdose_90d"},
    "withdrawal.moud": {"safety.overdose_90d"},
}


@pytest.mark.parametrize("item", list(baseline()["answers"]))
def test_each_required_item_missing_is_rejected_by_name(item):
    named = items_named(without(baseline(), item))
    assert item in named
    assert set(named) <= {item} | DEPENDANTS.get(item, set())


@pytest.mark.parametrize("item", sorted(set(on_moud()["answers"]) - set(baseline()["answers"])))
def test_each_item_a_person_on_moud_is_asked_is_required(item):
    named = items_named(without(on_moud(), item))
    assert item in named
    assert set(named) <= {item} | DEPENDANTS.get(item, set())


@pytest.mark.parametrize(
    "situation", [baseline, in_recovery, on_moud], ids=["never used", "in recovery", "moud"]
)
def test_recovery_history_missing_is_rejected_by_name(situation):
    named = items_named(without(situation(), "recovery.history"))
    assert "recovery.history" in named


MISSING_FOLLOW_UP = [
    (lambda: drinker(auditc=(2, 1, 0)), "auditc.2"),
    (lambda: drinker(auditc=(1, 0, 0)), "auditc.3"),
    (lambda: person(sex="intersex"), "about.pregnant"),
    (lambda: drinker(auditc=(3, 0, 0)), "withdrawal.daily_alcohol"),
    (lambda: drug_use(rx=1), "drugs.substances"),
    (lambda: drug_use(drugs=1), "withdrawal.daily_opioids"),
    (lambda: drug_use(drugs=1), "safety.overdose_90d"),
    (daily_sedatives, "withdrawal.history_complicated"),
    (daily_sedatives, "withdrawal.current_symptoms"),
    (daily_sedatives, "safety.overdose_90d"),
    (lambda: drug_use(rx=2, daily_opioids=True), "withdrawal.current_symptoms"),
    (lambda: trauma(yes=3), "pcptsd5.4"),
    (lambda: suicide_screen(thoughts=True), "cssrs.5"),
    (lambda: suicide_screen(behaviour=True, recent=False), "cssrs.6_recent"),
    (lambda: prior_care(most_intensive="iop"), "prior_care.status"),
    (lambda: prior_care(most_intensive="outpatient"), "prior_care.completed"),
    (lambda: drug_use(drugs=1), "withdrawal.moud"),
    (lambda: drug_use(rx=1), "withdrawal.moud"),
    (in_recovery, "withdrawal.moud"),
    (on_moud, "safety.overdose_90d"),
    (in_recovery, "bam.1"),
    (in_recovery, "bam.8"),
    (lambda: drinker(auditc=(1, 0, 0)), "bam.14"),
    (lambda: drug_use(rx=1), "bam.17"),
    (lambda: drug_use(drugs=1), "relapse.recent_return"),
]


@pytest.mark.parametrize(("situation", "item"), MISSING_FOLLOW_UP, ids=[i for _, i in MISSING_FOLLOW_UP])
def test_required_follow_up_missing_is_rejected_by_name(situation, item):
    assert items_named(without(situation(), item)) == [item]


# --- several errors -------------------------------------------------------------------------


def test_several_errors_give_one_message_each():
    screen = raw(
        without(baseline(), "readiness.ruler"),
        {"phq9.1": 4, "cssrs.1": 1, "bam.7": 2, "auditc.2": 0, "mspss.3": True},
    )
    named = items_named(screen)
    assert sorted(named) == sorted(["readiness.ruler", "phq9.1", "cssrs.1", "bam.7", "auditc.2", "mspss.3"])


def test_an_item_wrong_in_two_ways_gets_one_message():
    # Not asked (auditc.1 is 0) and out of range.
    assert items_named(raw(baseline(), {"auditc.2": 9})) == ["auditc.2"]


def test_nothing_is_half_scored_when_one_answer_is_bad():
    good = depressed(drinker(auditc=(4, 4, 4)), phq9=20)
    assert evaluate(good)["disposition"] == "iop"
    rejected(raw(good, {"readiness.ruler": 99}))


# --- partial screens ------------------------------------------------------------------------

NOT_COMPUTABLE_AFTER_SAFETY = {"prior_care", "home_support", "practical"}


def test_stop_right_after_harm_to_others_is_evaluated_as_urgent():
    full = harm_to_others(depressed(drinker(auditc=(1, 1, 1)), phq9=12))
    screen = stopped_after(full, "safety.harm_others")
    assert "bam.1" not in screen["answers"]
    result = evaluate(screen)
    assert result["disposition"] == "urgent"
    assert "urgent" in rules(result)
    domains = {name: d["level"] for name, d in result["domains"].items()}
    assert domains == {
        "safety": "urgent",
        "withdrawal_medical": "low",
        "substance_use": "moderate",
        "mental_health": "moderate",
        "dual_diagnosis": "present",
    }
    got = result["instruments"]
    assert {"auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs"} <= set(got)
    assert not {"bam", "mspss"} & set(got)
    assert got["phq9"]["score"] == 12
    assert got["auditc"]["score"] == 3
    assert got["cssrs"]["risk"] == "none"
    assert {"crisis_resources", "same_day_contact"} <= set(result["flags"])
    assert result["domains"]["safety"]["triggers"] == ["harm_others"]
    assert result["partial"] is True


def test_stop_right_after_suicidal_intent_is_evaluated_as_urgent():
    full = suicide_screen(depressed(phq9=15, item9=2), wish_dead=True, thoughts=True, intent=True)
    screen = stopped_after(full, "cssrs.4")
    assert "cssrs.5" not in screen["answers"]
    assert "safety.harm_others" not in screen["answers"]
    result = evaluate(screen)
    assert result["disposition"] == "urgent"
    assert result["domains"]["safety"]["level"] == "urgent"
    assert result["domains"]["mental_health"]["level"] == "moderate"
    assert result["instruments"]["cssrs"]["risk"] == "high"
    assert result["instruments"]["phq9"]["score"] == 15
    assert not NOT_COMPUTABLE_AFTER_SAFETY & set(result["domains"])
    # Never drank, used or had a problem (all answered before the stop): relapse risk is known
    # not to apply, though the relapse section comes later.
    assert result["domains"]["relapse_risk"]["level"] == "not_applicable"
    assert not {"bam", "mspss"} & set(result["instruments"])
    assert "crisis_resources" in result["flags"]
    assert result["domains"]["safety"]["triggers"] == ["suicide_risk_high"]
    assert result["partial"] is True


def test_stop_right_after_severe_withdrawal_symptoms_is_evaluated_as_urgent():
    full = withdrawal(drinker(auditc=(4, 4, 4), daily=True), symptoms="severe")
    screen = stopped_after(full, "withdrawal.current_symptoms")
    assert "medical.unstable" not in screen["answers"]
    assert "phq9.1" not in screen["answers"]
    result = evaluate(screen)
    assert result["disposition"] == "urgent"
    domains = {name: d["level"] for name, d in result["domains"].items()}
    # Known: safety (severe symptoms), withdrawal (severe symptoms), substance use (auditc 12).
    # Unknown without the mental-health answers: mental health, hence dual diagnosis.
    assert domains == {"safety": "urgent", "withdrawal_medical": "high", "substance_use": "high"}
    got = result["instruments"]
    assert got["auditc"]["score"] == 12
    assert got["taps1"]["drugs"] == 0
    assert not {"phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss"} & set(got)
    assert "same_day_contact" in result["flags"]
    assert result["domains"]["safety"]["triggers"] == ["severe_withdrawal"]
    assert result["partial"] is True


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (lambda: drinker(auditc=(1, 1, 0)), "not_applicable"),
        (lambda: drug_use(drugs=1), "not_applicable"),
        (lambda: drinker(in_recovery(), auditc=(1, 1, 0)), None),
        (lambda: drinker(auditc=(1, 1, 1)), None),
    ],
    ids=["light drinking", "drugs once", "light drinking in recovery", "risky drinking"],
)
def test_a_partial_screen_reports_relapse_risk_when_the_answers_before_the_stop_decide_it(
    situation, expected
):
    # Low substance use with no past problem: relapse risk does not apply whatever the BAM says,
    # so it is known before the BAM is reached. Otherwise it waits for the BAM: left out.
    result = evaluate(stopped_after(harm_to_others(situation()), "safety.harm_others"))
    assert result["partial"] is True
    assert result["domains"].get("relapse_risk", {}).get("level") == expected


@pytest.mark.parametrize(
    "situation",
    [
        baseline,
        lambda: baseline("loved_one"),
        on_moud,
        harm_to_others,
        lambda: withdrawal(daily_sedatives(), symptoms="severe"),
        lambda: suicide_screen(thoughts=True, plan=True),
    ],
    ids=[
        "calm",
        "family member",
        "moud",
        "urgent, complete",
        "severe withdrawal, complete",
        "plan, complete",
    ],
)
def test_a_complete_screen_is_not_partial_even_when_urgent(situation):
    assert evaluate(situation())["partial"] is False


def test_a_complete_urgent_screen_reports_every_domain_and_the_bam():
    result = evaluate(harm_to_others(drinker(auditc=(1, 1, 1))))
    assert result["disposition"] == "urgent"
    assert set(result["domains"]) == set(DOMAINS)
    assert "bam" in result["instruments"]


def test_partial_urgent_screen_by_a_loved_one_keeps_the_collateral_flag():
    full = harm_to_others(person(baseline("loved_one"), age="under_18"))
    result = evaluate(stopped_after(full, "safety.harm_others"))
    assert result["disposition"] == "urgent"
    assert {"adolescent", "collateral_report", "crisis_resources"} <= set(result["flags"])


def test_partial_urgent_screen_still_rejects_a_bad_answer():
    screen = raw(stopped_after(harm_to_others(), "safety.harm_others"), {"phq9.2": 7})
    assert items_named(screen) == ["phq9.2"]


def test_partial_urgent_screen_still_rejects_a_follow_up_not_asked():
    screen = raw(stopped_after(harm_to_others(), "safety.harm_others"), {"cssrs.3": False})
    assert items_named(screen) == ["cssrs.3"]


@pytest.mark.parametrize(
    ("situation", "stop"),
    [
        (baseline, "phq9.9"),
        (lambda: depressed(phq9=3, item9=3), "phq9.9"),
        (lambda: suicide_screen(wish_dead=True, thoughts=True, method=True), "cssrs.3"),
        (lambda: suicide_screen(behaviour=True, recent=False), "cssrs.6_recent"),
        (lambda: withdrawal(daily_sedatives(), symptoms="mild"), "withdrawal.current_symptoms"),
        (baseline, "safety.harm_others"),
        (baseline, "practical.telehealth_ok"),
    ],
    ids=[
        "after phq9",
        "thoughts of death",
        "suicidal thoughts with a method",
        "attempt long ago",
        "mild withdrawal",
        "after the safety questions",
        "before readiness",
    ],
)
def test_partial_screen_that_is_not_urgent_is_rejected_naming_each_missing_item(situation, stop):
    full = situation()
    screen = stopped_after(full, stop)
    missing = required_ids(full["answers"]) - set(screen["answers"])
    assert missing
    named = items_named(screen)
    assert sorted(named) == sorted(missing)


def test_an_urgent_answer_that_was_not_asked_does_not_allow_a_partial_screen():
    screen = raw(stopped_after(baseline(), "phq9.9"), {"cssrs.4": True})
    named = items_named(screen)
    assert "cssrs.4" in named
    assert "gad7.1" in named


# --- revision 2: "I don't know", none_3m, an empty list ------------------------------------


@pytest.mark.parametrize("item", MAY_NOT_KNOW)
def test_unknown_from_the_person_themselves_is_rejected_naming_the_item(item):
    screen = drug_use(drugs=2)  # so that the overdose question is asked too
    [error] = rejected(raw(screen, {item: UNKNOWN}))
    assert error["item"] == item
    assert "loved_one" in error["message"]


@pytest.mark.parametrize("item", MAY_NOT_KNOW)
def test_unknown_from_a_family_member_is_accepted_on_the_five_items(item):
    screen = drug_use(baseline("loved_one"), drugs=2)
    assert evaluate(dont_know(item, screen=screen))["disposition"]


@pytest.mark.parametrize(
    ("situation", "item"),
    [
        (baseline, "home.safe"),
        (baseline, "mh.diagnosis"),
        (baseline, "recovery.history"),
        (lambda: suicide_screen(baseline("loved_one"), thoughts=True), "cssrs.3"),
        (lambda: suicide_screen(baseline("loved_one"), behaviour=True), "cssrs.6_recent"),
        (lambda: drug_use(baseline("loved_one"), drugs=2), "withdrawal.moud"),
        (lambda: drug_use(baseline("loved_one"), drugs=2), "withdrawal.daily_opioids"),
        (baseline, "about.pregnant"),
        (baseline, "phq9.9"),
    ],
)
def test_unknown_from_a_family_member_is_rejected_on_any_other_item(situation, item):
    screen = situation()
    screen = dict(screen, respondent="loved_one")
    assert items_named(raw(screen, {item: UNKNOWN})) == [item]


@pytest.mark.parametrize("others", [["cannabis"], ["heroin_fentanyl", "cocaine"]])
@pytest.mark.parametrize("first", [True, False], ids=["none_3m first", "none_3m last"])
def test_none_3m_with_another_code_is_rejected_naming_the_item(others, first):
    codes = ["none_3m", *others] if first else [*others, "none_3m"]
    [error] = rejected(raw(drug_use(drugs=2), {"drugs.substances": codes}))
    assert error["item"] == "drugs.substances"
    assert "none_3m" in error["message"]


def test_an_empty_substance_list_is_rejected_naming_the_item():
    [error] = rejected(raw(drug_use(rx=1), {"drugs.substances": []}))
    assert error["item"] == "drugs.substances"


def test_none_3m_alone_is_accepted():
    result = evaluate(drug_use(drugs=4, substances=["none_3m"]))
    assert result["domains"]["substance_use"]["level"] == "moderate"


# --- the envelope ---------------------------------------------------------------------------


def _mentions(errors, word):
    return any(word in f"{e.get('item')} {e.get('message')}".lower() for e in errors)


@pytest.mark.parametrize("respondent", ["family", "Self", "", None, 1, True])
def test_unknown_respondent_is_rejected(respondent):
    screen = dict(baseline(), respondent=respondent)
    assert _mentions(rejected(screen), "respondent")


def test_missing_respondent_is_rejected():
    screen = {"answers": baseline()["answers"]}
    assert _mentions(rejected(screen), "respondent")


@pytest.mark.parametrize("answers", [None, [], "phq9.1=0", list(baseline()["answers"].items())])
def test_answers_that_are_not_a_mapping_are_rejected(answers):
    rejected({"respondent": "self", "answers": answers})


def test_missing_answers_are_rejected():
    rejected({"respondent": "self"})


@pytest.mark.parametrize(
    "situation",
    [
        lambda: baseline("loved_one"),
        lambda: with_answers(baseline(), {"auditc.1": 4}),
        lambda: drug_use(drugs=1, daily_opioids=True, overdose=True),
        lambda: withdrawal(daily_sedatives(), history_complicated=True, symptoms="mild"),
        lambda: suicide_screen(wish_dead=True, thoughts=True, behaviour=True, recent=False),
        lambda: prior_care(most_intensive="inpatient", status="currently_in", completed="ongoing"),
        in_recovery,
        on_moud,
        lambda: on_moud(drug_use(rx=2, substances=["none_3m"], daily_opioids=False)),
        lambda: dont_know(*MAY_NOT_KNOW, screen=drug_use(baseline("loved_one"), drugs=1)),
    ],
)
def test_screens_that_honour_every_condition_are_accepted(situation):
    screen = situation()
    assert set(screen["answers"]) == required_ids(screen["answers"])
    result = evaluate(screen)
    assert set(result["domains"]) == set(DOMAINS)
