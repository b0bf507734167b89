"""Flags: spec section 6, each on and off, sorted, independent of the disposition."""

import pytest
from screens import (
    FLAGS,
    baseline,
    daily_sedatives,
    depressed,
    drinker,
    drug_use,
    harm_to_others,
    medically_unstable,
    person,
    suicide_screen,
    with_answers,
    withdrawal,
)

from scoring import evaluate


def flags(screen):
    return evaluate(screen)["flags"]


def test_low_risk_adult_answering_for_themselves_has_no_flags():
    assert flags(baseline()) == []


# --- crisis_resources -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        lambda: depressed(phq9=1, item9=1),
        lambda: suicide_screen(wish_dead=True),
        lambda: suicide_screen(behaviour=True, recent=False),
        harm_to_others,
        lambda: suicide_screen(thoughts=True, plan=True),
    ],
    ids=["phq9 item 9", "wish to be dead", "attempt long ago", "harm to others", "plan"],
)
def test_crisis_resources_when_safety_is_elevated_or_urgent(situation):
    assert "crisis_resources" in flags(situation())


def test_no_crisis_resources_for_severe_depression_without_thoughts_of_death():
    assert "crisis_resources" not in flags(depressed(phq9=24, item9=0))


# --- same_day_contact -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        harm_to_others,
        lambda: suicide_screen(behaviour=True, recent=True),
        medically_unstable,
        lambda: daily_sedatives(drinker(auditc=(4, 4, 4), daily=True)),
        lambda: drinker(person(pregnant="yes"), auditc=(1, 1, 1)),
    ],
    ids=[
        "harm to others",
        "recent attempt",
        "medically unstable",
        "daily alcohol and sedatives",
        "pregnant and drinking",
    ],
)
def test_same_day_contact(situation):
    assert "same_day_contact" in flags(situation())


@pytest.mark.parametrize(
    "situation",
    [
        lambda: depressed(phq9=3, item9=3),
        lambda: suicide_screen(thoughts=True, method=True),
        daily_sedatives,
        lambda: drug_use(drugs=4, daily_opioids=True),
        lambda: drinker(person(pregnant="not_sure"), auditc=(1, 1, 1)),
    ],
    ids=[
        "elevated safety",
        "moderate suicide risk",
        "moderate withdrawal risk",
        "daily opioids",
        "not sure if pregnant",
    ],
)
def test_no_same_day_contact(situation):
    assert "same_day_contact" not in flags(situation())


# --- pregnancy_priority ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drinker(person(pregnant="yes"), auditc=(1, 1, 1)),
        lambda: drug_use(person(pregnant="yes"), drugs=1),
        lambda: drug_use(person(pregnant="yes"), rx=1, daily_opioids=True),
        lambda: daily_sedatives(person(pregnant="yes")),
    ],
    ids=["risky drinking", "drug use", "daily opioids", "daily sedatives"],
)
def test_pregnancy_priority_comes_with_same_day_contact(situation):
    got = flags(situation())
    assert "pregnancy_priority" in got
    assert "same_day_contact" in got


def test_pregnant_and_on_daily_opioids_is_priority_though_withdrawal_risk_is_moderate():
    screen = drug_use(person(pregnant="yes"), rx=1, daily_opioids=True)
    result = evaluate(screen)
    assert result["domains"]["withdrawal_medical"]["level"] == "moderate"
    assert {"pregnancy_priority", "same_day_contact", "withdrawal_caution"} <= set(result["flags"])


@pytest.mark.parametrize(
    "situation",
    [
        lambda: person(pregnant="yes"),
        lambda: drug_use(person(pregnant="yes"), tobacco=4),
        lambda: drinker(person(pregnant="yes"), auditc=(1, 1, 0)),
        lambda: drinker(person(pregnant="not_sure"), auditc=(4, 4, 4), daily=True),
        lambda: drinker(person(pregnant="no"), auditc=(1, 1, 1)),
        lambda: drinker(person(sex="male"), auditc=(4, 4, 4)),
    ],
    ids=[
        "pregnant, no use",
        "pregnant, tobacco only",
        "pregnant, auditc 2",
        "not sure if pregnant",
        "not pregnant",
        "male",
    ],
)
def test_no_pregnancy_priority(situation):
    assert "pregnancy_priority" not in flags(situation())


# --- opioid_treatment_info ------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drug_use(rx=4, substances=["prescription_opioids"], daily_opioids=True),
        lambda: drug_use(rx=4, substances=["sedatives"], daily_opioids=True),
        lambda: drug_use(drugs=1, substances=["heroin_fentanyl"]),
        lambda: drug_use(rx=1, substances=["prescription_opioids"]),
        lambda: drug_use(drugs=2, substances=["cannabis", "heroin_fentanyl", "cocaine"]),
    ],
    ids=[
        "daily prescription opioids",
        "daily opioids reported only there",
        "heroin or fentanyl",
        "prescription opioids misused",
        "opioids among others",
    ],
)
def test_opioid_treatment_info(situation):
    assert "opioid_treatment_info" in flags(situation())


@pytest.mark.parametrize(
    "substances",
    [
        ["cannabis"],
        ["cocaine", "methamphetamine"],
        ["sedatives", "prescription_stimulants"],
        ["hallucinogens", "inhalants", "other"],
    ],
)
def test_no_opioid_treatment_info_for_other_substances(substances):
    screen = drug_use(drugs=3, substances=substances, daily_opioids=False)
    assert "opioid_treatment_info" not in flags(screen)


# --- overdose_risk --------------------------------------------------------------------------


def with_overdose(screen):
    return with_answers(screen, {"safety.overdose_90d": True})


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drug_use(drugs=1, overdose=True),
        lambda: with_overdose(daily_sedatives()),
        lambda: with_overdose(drinker(auditc=(4, 4, 4), daily=True)),
    ],
    ids=["drug use", "daily sedatives", "daily alcohol"],
)
def test_overdose_in_the_past_90_days(situation):
    assert "overdose_risk" in flags(situation())


def test_no_overdose_risk_without_a_recent_overdose():
    assert "overdose_risk" not in flags(drug_use(drugs=4, overdose=False))


# --- withdrawal_caution ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drinker(auditc=(4, 4, 4), daily=True),
        daily_sedatives,
        lambda: withdrawal(drug_use(drugs=4, daily_opioids=True), symptoms="mild"),
    ],
    ids=["daily alcohol", "daily sedatives", "mild symptoms on opioids"],
)
def test_withdrawal_caution_when_withdrawal_risk_is_moderate(situation):
    assert "withdrawal_caution" in flags(situation())


@pytest.mark.parametrize(
    "situation",
    [
        baseline,
        lambda: drinker(auditc=(4, 4, 4), daily=False),
        medically_unstable,
        lambda: daily_sedatives(drinker(auditc=(4, 4, 4), daily=True)),
    ],
    ids=["low", "heavy but not daily drinking", "high: unstable", "high: alcohol and sedatives"],
)
def test_no_withdrawal_caution_when_risk_is_low_or_high(situation):
    assert "withdrawal_caution" not in flags(situation())


# --- collateral_report and adolescent -------------------------------------------------------


def test_collateral_report_when_a_loved_one_answers():
    assert flags(baseline("loved_one")) == ["collateral_report"]


def test_no_collateral_report_when_answering_for_oneself():
    assert "collateral_report" not in flags(baseline("self"))


def test_adolescent():
    assert flags(person(age="under_18")) == ["adolescent"]


@pytest.mark.parametrize("age", ["18_25", "26_64", "65_plus"])
def test_not_adolescent(age):
    assert "adolescent" not in flags(person(age=age))


# --- all together ---------------------------------------------------------------------------


def teenager_on_opioids_seen_by_a_parent():
    screen = person(baseline("loved_one"), age="under_18", pregnant="yes")
    screen = drug_use(screen, drugs=2, substances=["heroin_fentanyl"], daily_opioids=True, overdose=True)
    return depressed(screen, phq9=1, item9=1)


def test_every_flag_at_once_sorted():
    assert flags(teenager_on_opioids_seen_by_a_parent()) == sorted(FLAGS)


def test_flags_are_sorted_and_unique():
    for screen in (
        teenager_on_opioids_seen_by_a_parent(),
        harm_to_others(person(baseline("loved_one"), age="under_18")),
        drug_use(person(pregnant="yes"), drugs=1, substances=["heroin_fentanyl"], overdose=True),
    ):
        got = flags(screen)
        assert got == sorted(set(got))


def test_flags_do_not_depend_on_the_disposition():
    # Monthly drug use without an IOP indicator: outpatient, yet the overdose is flagged.
    result = evaluate(drug_use(drugs=2, substances=["heroin_fentanyl"], overdose=True))
    assert result["disposition"] == "outpatient"
    assert result["flags"] == ["opioid_treatment_info", "overdose_risk"]
