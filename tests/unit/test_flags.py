"""Flags: spec section 6, each on and off, sorted, independent of the disposition."""

import pytest

from scoring import evaluate
from tests.support.spec_screens import (
    FLAGS,
    MAY_NOT_KNOW,
    baseline,
    daily_sedatives,
    depressed,
    dont_know,
    drinker,
    drug_use,
    harm_to_others,
    home,
    in_recovery,
    medically_unstable,
    on_moud,
    person,
    suicide_screen,
    with_answers,
    withdrawal,
)


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


@pytest.mark.parametrize("item", ["cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"])
def test_crisis_resources_when_a_family_member_does_not_know_about_suicide_or_harm(item):
    assert "crisis_resources" in flags(dont_know(item))


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
        # Revision 2: nobody but the person has seen the screen.
        lambda: suicide_screen(thoughts=True, method=True),
        lambda: suicide_screen(wish_dead=True, thoughts=True, method=True),
        lambda: drug_use(drugs=1, overdose=True),
        lambda: with_answers(daily_sedatives(), {"safety.overdose_90d": True}),
        lambda: on_moud(overdose=True),
    ],
    ids=[
        "harm to others",
        "recent attempt",
        "medically unstable",
        "daily alcohol and sedatives",
        "pregnant and drinking",
        "thought of how (cssrs.3)",
        "wish, thoughts and how",
        "overdose, drug use",
        "overdose, daily sedatives",
        "overdose, on moud",
    ],
)
def test_same_day_contact(situation):
    assert "same_day_contact" in flags(situation())


@pytest.mark.parametrize(
    "situation",
    [
        lambda: depressed(phq9=3, item9=3),
        lambda: suicide_screen(thoughts=True, method=False),
        lambda: suicide_screen(behaviour=True, recent=False),
        daily_sedatives,
        lambda: drug_use(drugs=4, daily_opioids=True),
        lambda: drinker(person(pregnant="not_sure"), auditc=(1, 1, 1)),
        lambda: drug_use(drugs=4, overdose=False),
        lambda: dont_know("cssrs.2"),
        lambda: dont_know("safety.overdose_90d", screen=drug_use(baseline("loved_one"), drugs=2)),
    ],
    ids=[
        "elevated safety",
        "thoughts without a method",
        "attempt long ago",
        "moderate withdrawal risk",
        "daily opioids",
        "not sure if pregnant",
        "no overdose",
        "family member does not know of thoughts",
        "family member does not know of an overdose",
    ],
)
def test_no_same_day_contact(situation):
    assert "same_day_contact" not in flags(situation())


# --- pregnancy_priority ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drinker(person(pregnant="yes"), auditc=(1, 1, 1)),
        lambda: drug_use(person(pregnant="yes"), drugs=2),
        lambda: drug_use(person(pregnant="yes"), drugs=1, history=True),
        lambda: drug_use(person(pregnant="yes"), rx=1, daily_opioids=True),
        lambda: daily_sedatives(person(pregnant="yes")),
    ],
    ids=[
        "risky drinking",
        "monthly drug use",
        "rare drug use with a past problem",
        "daily opioids",
        "daily sedatives",
    ],
)
def test_pregnancy_priority_comes_with_same_day_contact(situation):
    got = flags(situation())
    assert "pregnancy_priority" in got
    assert "same_day_contact" in got


def test_pregnant_on_daily_sedatives_only_is_a_priority_and_a_caution_not_detox_first():
    # Revision 2: a prescribed daily benzodiazepine in pregnancy (don't stop suddenly).
    result = evaluate(daily_sedatives(person(pregnant="yes")))
    assert result["domains"]["withdrawal_medical"]["level"] == "moderate"
    assert {"pregnancy_priority", "same_day_contact", "withdrawal_caution"} <= set(result["flags"])


def test_pregnant_and_drinking_daily_is_high_withdrawal_risk():
    result = evaluate(drinker(person(pregnant="yes"), auditc=(3, 0, 0), daily=True))
    assert result["domains"]["withdrawal_medical"]["level"] == "high"
    assert {"pregnancy_priority", "same_day_contact"} <= set(result["flags"])
    assert "withdrawal_caution" not in result["flags"]


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
        # Revision 2: drug use less than monthly with no past problem is low substance use.
        lambda: drug_use(person(pregnant="yes"), drugs=1),
        lambda: in_recovery(person(pregnant="yes")),
    ],
    ids=[
        "pregnant, no use",
        "pregnant, tobacco only",
        "pregnant, auditc 2",
        "not sure if pregnant",
        "not pregnant",
        "male",
        "pregnant, drugs once this year",
        "pregnant, in recovery, no use",
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


def test_moud_alone_is_not_opioid_use():
    assert "opioid_treatment_info" not in flags(on_moud())


# --- overdose_risk and moud_continuity ------------------------------------------------------


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


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drug_use(drugs=1, substances=["heroin_fentanyl"], overdose=False),
        lambda: drug_use(rx=1, substances=["prescription_opioids"], overdose=False),
        lambda: drug_use(rx=2, substances=["sedatives"], daily_opioids=True, overdose=False),
        lambda: on_moud(overdose=False),
        lambda: on_moud(drug_use(drugs=2, substances=["cannabis"], overdose=False)),
    ],
    ids=["heroin or fentanyl", "opioid pills", "daily opioids", "on moud", "on moud, using cannabis"],
)
def test_naloxone_information_for_everyone_who_uses_opioids_moud_included(situation):
    # Revision 2: not only after an overdose.
    assert "overdose_risk" in flags(situation())


def test_overdose_risk_when_a_family_member_does_not_know_of_an_overdose():
    screen = dont_know("safety.overdose_90d", screen=drug_use(baseline("loved_one"), drugs=2))
    assert "overdose_risk" in flags(screen)


@pytest.mark.parametrize(
    "situation",
    [
        lambda: drug_use(drugs=4, overdose=False),
        lambda: drug_use(drugs=3, substances=["cocaine", "methamphetamine"], overdose=False),
        lambda: daily_sedatives(),
        lambda: in_recovery(),
        lambda: drug_use(baseline("loved_one"), drugs=2, overdose=False),
    ],
    ids=["daily cannabis", "stimulants", "daily sedatives", "in recovery", "family member, no overdose"],
)
def test_no_overdose_risk_without_an_overdose_or_opioids(situation):
    assert "overdose_risk" not in flags(situation())


@pytest.mark.parametrize(
    "situation",
    [on_moud, lambda: on_moud(drug_use(rx=1)), lambda: on_moud(drug_use(drugs=4, daily_opioids=True))],
    ids=["in recovery", "rare rx misuse", "also using opioids daily"],
)
def test_moud_continuity_when_on_methadone_or_buprenorphine(situation):
    assert "moud_continuity" in flags(situation())


def test_moud_without_daily_opioids_brings_no_withdrawal_caution():
    result = evaluate(on_moud(drug_use(drugs=2, substances=["cannabis"], daily_opioids=False)))
    assert {"moud_continuity", "overdose_risk"} <= set(result["flags"])
    assert "withdrawal_caution" not in result["flags"]


def test_moud_asks_the_overdose_question():
    # Revision 2: also of people on MOUD who use nothing else.
    assert "safety.overdose_90d" not in in_recovery()["answers"]
    assert "safety.overdose_90d" in on_moud()["answers"]


@pytest.mark.parametrize(
    "situation",
    [
        lambda: in_recovery(),
        lambda: drug_use(drugs=2),
        lambda: with_answers(drug_use(drugs=2), {"withdrawal.moud": False}),
    ],
    ids=["in recovery", "drug use", "said no"],
)
def test_no_moud_continuity_without_moud(situation):
    assert "moud_continuity" not in flags(situation())


# --- home_safety and housing_need -----------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        lambda: home(safe=False),
        lambda: home(depressed(phq9=12), safe=False),
        lambda: home(harm_to_others(), safe=False),
        lambda: home(medically_unstable(), safe=False, housing="none"),
    ],
    ids=["no need (outpatient)", "with need (higher level)", "urgent", "medically unstable"],
)
def test_home_safety_whatever_the_disposition(situation):
    assert "home_safety" in flags(situation())


@pytest.mark.parametrize("housing", ["unstable", "none"])
def test_housing_need(housing):
    assert "housing_need" in flags(home(housing=housing))


def test_no_home_notice_for_a_safe_stable_home():
    got = flags(home(housing="stable", safe=True, others_using="yes"))
    assert "home_safety" not in got
    assert "housing_need" not in got


def test_unstable_housing_is_not_an_unsafe_home():
    assert "home_safety" not in flags(home(housing="none"))


# --- ask_directly ---------------------------------------------------------------------------


@pytest.mark.parametrize("item", ["cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"])
def test_ask_directly_when_a_family_member_does_not_know(item):
    assert "ask_directly" in flags(dont_know(item))


def test_ask_directly_once_for_several_unknowns():
    got = flags(dont_know("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"))
    assert got.count("ask_directly") == 1


def test_no_ask_directly_when_the_family_member_knows():
    assert "ask_directly" not in flags(suicide_screen(baseline("loved_one"), wish_dead=True))


def test_not_knowing_about_an_overdose_is_not_about_asking_directly():
    screen = dont_know("safety.overdose_90d", screen=drug_use(baseline("loved_one"), drugs=2))
    assert "ask_directly" not in flags(screen)


def test_the_unknown_items_are_the_spec_five():
    assert set(MAY_NOT_KNOW) == {"cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others", "safety.overdose_90d"}


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
    screen = drug_use(
        screen, drugs=2, substances=["heroin_fentanyl"], moud=True, daily_opioids=True, overdose=True
    )
    screen = home(depressed(screen, phq9=1, item9=1), safe=False, housing="unstable")
    return dont_know("cssrs.6", screen=screen)


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
    # Monthly heroin use without an IOP indicator: outpatient, yet opioid use is flagged.
    result = evaluate(drug_use(drugs=2, substances=["heroin_fentanyl"], overdose=False))
    assert result["disposition"] == "outpatient"
    assert result["flags"] == ["opioid_treatment_info", "overdose_risk"]
