"""Domain levels: spec section 4, each rule and its boundaries."""

import pytest

from scoring import evaluate
from tests.support.spec_screens import (
    DOMAINS,
    anxious,
    baseline,
    daily_sedatives,
    depressed,
    diagnosed,
    dont_know,
    drinker,
    drug_use,
    harm_to_others,
    home,
    in_recovery,
    levels,
    medically_unstable,
    on_moud,
    person,
    practical,
    prior_care,
    relapse,
    relapse_signs,
    social_support,
    suicide_screen,
    trauma,
    with_answers,
    withdrawal,
)


def level(screen, domain):
    return levels(evaluate(screen))[domain]


def test_low_risk_person_is_at_the_lowest_level_of_every_domain():
    assert levels(evaluate(baseline())) == {
        "safety": "none",
        "withdrawal_medical": "low",
        "substance_use": "low",
        "mental_health": "low",
        "dual_diagnosis": "absent",
        # Revision 2: never drank, used or had a problem, so the BAM is not asked.
        "relapse_risk": "not_applicable",
        "prior_care": "none",
        "home_support": "high",
        "practical": "ok",
    }


def test_every_domain_is_reported_as_a_level():
    result = evaluate(baseline())
    assert set(result["domains"]) == set(DOMAINS)
    for name, domain in result["domains"].items():
        assert domain["level"] in DOMAINS[name]


# --- safety ---------------------------------------------------------------------------------


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_thoughts_of_death_on_phq9_item_9_alone_is_elevated(item9):
    assert level(depressed(phq9=item9, item9=item9), "safety") == "elevated"


def test_severe_depression_without_item_9_is_not_a_safety_concern():
    assert level(depressed(phq9=24, item9=0), "safety") == "none"


@pytest.mark.parametrize(
    "cssrs",
    [
        {"wish_dead": True},
        {"thoughts": True},
        {"thoughts": True, "method": True},
        {"behaviour": True, "recent": False},
    ],
)
def test_low_or_moderate_suicide_risk_is_elevated(cssrs):
    assert level(suicide_screen(**cssrs), "safety") == "elevated"


@pytest.mark.parametrize(
    "cssrs",
    [
        {"thoughts": True, "intent": True},
        {"thoughts": True, "plan": True},
        {"behaviour": True, "recent": True},
    ],
)
def test_high_suicide_risk_is_urgent(cssrs):
    assert level(suicide_screen(**cssrs), "safety") == "urgent"


def test_thoughts_of_seriously_hurting_someone_is_urgent():
    assert level(harm_to_others(), "safety") == "urgent"


def test_severe_withdrawal_symptoms_are_urgent():
    screen = withdrawal(daily_sedatives(), symptoms="severe")
    assert level(screen, "safety") == "urgent"


def test_mild_withdrawal_symptoms_are_not_a_safety_concern():
    screen = withdrawal(daily_sedatives(), symptoms="mild")
    assert level(screen, "safety") == "none"


def test_urgent_wins_over_elevated():
    screen = harm_to_others(depressed(phq9=3, item9=3))
    assert level(screen, "safety") == "urgent"


def test_urgent_safety_names_its_triggers():
    assert evaluate(harm_to_others())["domains"]["safety"]["triggers"] == ["harm_others"]
    severe = withdrawal(daily_sedatives(), symptoms="severe")
    assert evaluate(severe)["domains"]["safety"]["triggers"] == ["severe_withdrawal"]
    both = harm_to_others(suicide_screen(thoughts=True, plan=True))
    assert evaluate(both)["domains"]["safety"]["triggers"] == ["suicide_risk_high", "harm_others"]


@pytest.mark.parametrize("item", ["cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"])
def test_a_family_member_who_does_not_know_about_suicide_or_harm_makes_safety_elevated(item):
    # Revision 2: "I don't know" is uncertain, never a reassuring no (and never a yes: not urgent).
    assert level(dont_know(item), "safety") == "elevated"


def test_the_same_answers_as_a_no_are_no_safety_concern():
    # The other side of the test above: the family member's screen with "no" answers is calm.
    assert level(baseline("loved_one"), "safety") == "none"


def test_not_knowing_about_an_overdose_is_not_a_safety_concern():
    screen = dont_know("safety.overdose_90d", screen=drug_use(baseline("loved_one"), drugs=2))
    assert level(screen, "safety") == "none"


# --- withdrawal_medical ---------------------------------------------------------------------


def heavy_daily_drinker(screen=None):
    return drinker(screen, auditc=(4, 4, 4), daily=True)


HIGH_WITHDRAWAL = {
    "severe current symptoms": lambda: withdrawal(daily_sedatives(), symptoms="severe"),
    "complicated history with daily alcohol": lambda: withdrawal(
        heavy_daily_drinker(), history_complicated=True
    ),
    "complicated history with daily sedatives": lambda: withdrawal(
        daily_sedatives(), history_complicated=True
    ),
    "daily alcohol and daily sedatives": lambda: daily_sedatives(heavy_daily_drinker()),
    "three or more daily drinks at 65 or older": lambda: heavy_daily_drinker(person(age="65_plus")),
    "medically unstable": lambda: medically_unstable(),
    "pregnant with daily alcohol": lambda: heavy_daily_drinker(person(pregnant="yes")),
    "pregnant with one or two daily drinks": lambda: drinker(
        person(pregnant="yes"), auditc=(3, 0, 0), daily=True
    ),
}


@pytest.mark.parametrize("situation", HIGH_WITHDRAWAL)
def test_withdrawal_medical_high_by_each_path(situation):
    assert level(HIGH_WITHDRAWAL[situation](), "withdrawal_medical") == "high"


MODERATE_WITHDRAWAL = {
    "daily alcohol alone": lambda: heavy_daily_drinker(),
    "daily alcohol at 18 to 25": lambda: heavy_daily_drinker(person(age="18_25")),
    "daily sedatives alone": lambda: daily_sedatives(),
    "daily sedatives at 65 or older": lambda: daily_sedatives(person(age="65_plus")),
    "daily opioids alone": lambda: drug_use(rx=4, daily_opioids=True),
    "daily opioids while pregnant": lambda: drug_use(person(pregnant="yes"), rx=4, daily_opioids=True),
    "daily opioids at 65 or older": lambda: drug_use(person(age="65_plus"), drugs=4, daily_opioids=True),
    "daily alcohol, not sure if pregnant": lambda: heavy_daily_drinker(person(pregnant="not_sure")),
    "mild symptoms on daily opioids": lambda: withdrawal(
        drug_use(drugs=4, daily_opioids=True), symptoms="mild"
    ),
    "daily sedatives, uncomplicated history": lambda: withdrawal(
        daily_sedatives(), history_complicated=False, symptoms="none"
    ),
    # Revision 2: a prescribed daily benzodiazepine in pregnancy is a caution, not "detox first".
    "daily sedatives while pregnant": lambda: daily_sedatives(person(pregnant="yes")),
    "daily sedatives and opioids while pregnant": lambda: daily_sedatives(
        drug_use(person(pregnant="yes"), rx=4, daily_opioids=True)
    ),
}


@pytest.mark.parametrize("situation", MODERATE_WITHDRAWAL)
def test_withdrawal_medical_moderate(situation):
    assert level(MODERATE_WITHDRAWAL[situation](), "withdrawal_medical") == "moderate"


def test_heavy_drinking_that_is_not_daily_is_low_withdrawal_risk():
    screen = drinker(person(age="65_plus", pregnant="yes"), auditc=(4, 4, 4), daily=False)
    assert level(screen, "withdrawal_medical") == "low"


@pytest.mark.parametrize(
    ("drinks_a_day", "expected"),
    [(0, "moderate"), (1, "high"), (4, "high")],
    ids=["1 or 2 drinks", "3 or 4 drinks", "10 or more drinks"],
)
def test_daily_drinking_at_65_or_older_is_high_from_three_drinks_a_day(drinks_a_day, expected):
    # Revision 2: a daily glass of wine at 70 is not a medical withdrawal risk; auditc.2 >= 1 is.
    screen = drinker(person(age="65_plus"), auditc=(4, drinks_a_day, 0), daily=True)
    assert level(screen, "withdrawal_medical") == expected


@pytest.mark.parametrize("age", ["18_25", "26_64"])
def test_three_or_more_daily_drinks_under_65_is_moderate(age):
    screen = drinker(person(age=age), auditc=(4, 1, 0), daily=True)
    assert level(screen, "withdrawal_medical") == "moderate"


@pytest.mark.parametrize(
    "situation",
    [
        lambda: on_moud(),
        lambda: on_moud(drug_use(rx=1, daily_opioids=False)),
        lambda: on_moud(drug_use(drugs=2, substances=["cannabis"], daily_opioids=False)),
    ],
    ids=["in recovery", "rare rx misuse", "monthly cannabis"],
)
def test_methadone_or_buprenorphine_is_treatment_not_daily_opioid_use(situation):
    # Revision 2: MOUD no longer counts as daily opioid use or brings a withdrawal caution.
    assert level(situation(), "withdrawal_medical") == "low"


def test_daily_opioids_beside_moud_still_count():
    screen = on_moud(drug_use(drugs=4, substances=["heroin_fentanyl"], daily_opioids=True))
    assert level(screen, "withdrawal_medical") == "moderate"


def test_drug_use_without_daily_use_is_low_withdrawal_risk():
    screen = drug_use(drugs=4, rx=4, substances=["heroin_fentanyl"], daily_opioids=False)
    assert level(screen, "withdrawal_medical") == "low"


# --- substance_use --------------------------------------------------------------------------


SUBSTANCE_USE = {
    "nothing": (lambda: baseline(), "low"),
    "tobacco alone": (lambda: drug_use(tobacco=4), "low"),
    "tobacco alone, with a past problem": (lambda: drug_use(tobacco=4, history=True), "low"),
    "a past problem, no use now": (lambda: in_recovery(), "low"),
    "auditc 2": (lambda: drinker(auditc=(1, 1, 0)), "low"),
    "auditc 3": (lambda: drinker(auditc=(1, 1, 1)), "moderate"),
    "auditc 8": (lambda: drinker(auditc=(4, 4, 0)), "high"),
    # Revision 2: less than monthly counts only with a history of a problem.
    "drugs less than monthly": (lambda: drug_use(drugs=1), "low"),
    "rx less than monthly": (lambda: drug_use(rx=1), "low"),
    "drugs less than monthly, with a past problem": (lambda: drug_use(drugs=1, history=True), "moderate"),
    "rx less than monthly, with a past problem": (lambda: drug_use(rx=1, history=True), "moderate"),
    "drugs monthly": (lambda: drug_use(drugs=2), "moderate"),
    "rx monthly": (lambda: drug_use(rx=2), "moderate"),
    "drugs monthly, none in 3 months": (lambda: drug_use(drugs=2, substances=["none_3m"]), "moderate"),
    # Revision 2: weekly use is high only for a substance other than cannabis.
    "weekly cannabis alone": (lambda: drug_use(drugs=3, substances=["cannabis"]), "moderate"),
    "weekly cocaine": (lambda: drug_use(drugs=3, substances=["cocaine"]), "high"),
    "weekly cannabis and meth": (
        lambda: drug_use(drugs=3, substances=["cannabis", "methamphetamine"]),
        "high",
    ),
    "weekly, other drug": (lambda: drug_use(drugs=3, substances=["other"]), "high"),
    "weekly, none in 3 months": (lambda: drug_use(drugs=3, substances=["none_3m"]), "moderate"),
    "daily cannabis": (lambda: drug_use(drugs=4, substances=["cannabis"]), "high"),
    "daily drugs, none in 3 months": (lambda: drug_use(drugs=4, substances=["none_3m"]), "moderate"),
    # Revision 2: weekly prescription misuse is high whatever is ticked, unless none lately.
    "rx weekly, cannabis ticked": (lambda: drug_use(rx=3, substances=["cannabis"]), "high"),
    "rx weekly, sedatives ticked": (lambda: drug_use(rx=3, substances=["sedatives"]), "high"),
    "rx daily": (lambda: drug_use(rx=4, substances=["prescription_opioids"]), "high"),
    "rx weekly, none in 3 months": (lambda: drug_use(rx=3, substances=["none_3m"]), "moderate"),
    "drinking and weekly cannabis": (
        lambda: drug_use(drinker(auditc=(1, 1, 1)), drugs=3, substances=["cannabis"]),
        "moderate",
    ),
    "drinking and weekly cocaine": (
        lambda: drug_use(drinker(auditc=(1, 1, 1)), drugs=3, substances=["cocaine"]),
        "high",
    ),
    "heavy drinking and tobacco": (lambda: drug_use(drinker(auditc=(4, 4, 0)), tobacco=4), "high"),
    "heavy drinking, no drugs in 3 months": (
        lambda: drug_use(drinker(auditc=(4, 4, 0)), drugs=4, substances=["none_3m"]),
        "high",
    ),
    "on moud, no other use": (lambda: on_moud(), "low"),
}


@pytest.mark.parametrize("situation", SUBSTANCE_USE)
def test_substance_use_levels(situation):
    build, expected = SUBSTANCE_USE[situation]
    assert level(build(), "substance_use") == expected


# --- mental_health --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (lambda: depressed(phq9=9), "low"),
        (lambda: depressed(phq9=10), "moderate"),
        (lambda: depressed(phq9=19), "moderate"),
        (lambda: depressed(phq9=20), "high"),
        (lambda: anxious(gad7=9), "low"),
        (lambda: anxious(gad7=10), "moderate"),
        (lambda: anxious(gad7=14), "moderate"),
        (lambda: anxious(gad7=15), "high"),
        (lambda: trauma(yes=2), "low"),
        (lambda: trauma(yes=3), "moderate"),
        (lambda: trauma(yes=5), "moderate"),
        # Revision 2: a diagnosis counts only with current symptoms (phq9 or gad7 at least 5).
        (lambda: diagnosed(), "low"),
        (lambda: anxious(diagnosed(depressed(phq9=4)), gad7=4), "low"),
        (lambda: diagnosed(depressed(phq9=5)), "moderate"),
        (lambda: anxious(diagnosed(), gad7=5), "moderate"),
        (lambda: depressed(phq9=5), "low"),
        (lambda: anxious(depressed(phq9=9), gad7=9), "low"),
        (lambda: trauma(diagnosed(depressed(phq9=19)), yes=5), "moderate"),
        (lambda: anxious(depressed(phq9=5), gad7=15), "high"),
    ],
    ids=[
        "phq9 9",
        "phq9 10",
        "phq9 19",
        "phq9 20",
        "gad7 9",
        "gad7 10",
        "gad7 14",
        "gad7 15",
        "ptsd 2 yes",
        "ptsd 3 yes",
        "ptsd 5 yes",
        "diagnosis without symptoms",
        "diagnosis, phq9 4 and gad7 4",
        "diagnosis, phq9 5",
        "diagnosis, gad7 5",
        "phq9 5 without a diagnosis",
        "mild depression and mild anxiety",
        "everything moderate",
        "severe anxiety",
    ],
)
def test_mental_health_levels(situation, expected):
    assert level(situation(), "mental_health") == expected


# --- dual_diagnosis -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (lambda: depressed(drinker(auditc=(1, 1, 1)), phq9=10), "present"),
        (lambda: diagnosed(depressed(drug_use(drugs=4), phq9=5)), "present"),
        (lambda: diagnosed(drug_use(drugs=4)), "absent"),
        # Revision 2: "cannabis once this year plus an old anxiety diagnosis" is not co-occurring.
        (lambda: diagnosed(drug_use(drugs=1, substances=["cannabis"])), "absent"),
        (lambda: diagnosed(anxious(drug_use(drugs=1, substances=["cannabis"]), gad7=4)), "absent"),
        (lambda: anxious(drug_use(rx=3), gad7=21), "present"),
        (lambda: drinker(auditc=(1, 1, 1)), "absent"),
        (lambda: depressed(phq9=27, item9=3), "absent"),
        (lambda: depressed(drug_use(tobacco=4), phq9=20), "absent"),
        (lambda: depressed(drinker(auditc=(4, 4, 4)), phq9=9), "absent"),
    ],
    ids=[
        "drinking and depression",
        "drugs and a diagnosis with mild symptoms",
        "drugs and a diagnosis without symptoms",
        "cannabis once and an old diagnosis",
        "cannabis once, an old diagnosis and gad7 4",
        "rx misuse and severe anxiety",
        "drinking alone",
        "depression alone",
        "tobacco and depression",
        "heavy drinking and mild depression",
    ],
)
def test_dual_diagnosis_needs_both_substance_use_and_mental_health(situation, expected):
    assert level(situation(), "dual_diagnosis") == expected


# --- relapse_risk ---------------------------------------------------------------------------
# The BAM is asked of someone who drinks, uses or has had a problem; these tests start from a
# person in recovery (`in_recovery()`), for whom relapse risk always applies.


@pytest.mark.parametrize(
    ("signs", "expected"), [(0, "low"), (1, "low"), (2, "moderate"), (3, "high"), (4, "high")]
)
def test_relapse_risk_counts_the_signs(signs, expected):
    assert level(relapse_signs(in_recovery(), n=signs), "relapse_risk") == expected


ONE_SIGN = {
    "any use in the past month": {"use": 1},
    "risk factors 12": {"risk": 12},
    "protective factors 12": {"protective": 12},
    "returned to use": {"returned": "yes"},
}
SUBSTANCE_SPECIFIC = {"any use in the past month", "returned to use"}


@pytest.mark.parametrize("sign", ONE_SIGN)
def test_one_relapse_sign_alone_is_low(sign):
    assert level(relapse(in_recovery(), **ONE_SIGN[sign]), "relapse_risk") == "low"


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for i, a in enumerate(ONE_SIGN) for b in list(ONE_SIGN)[i + 1 :]],
)
def test_two_relapse_signs_are_moderate_when_one_is_use_or_a_return(first, second):
    # Revision 2: risk and protective scores lean on sleep, mood and health; the two alone
    # describe low mood, not a relapse pattern.
    screen = relapse(in_recovery(), **ONE_SIGN[first], **ONE_SIGN[second])
    expected = "moderate" if {first, second} & SUBSTANCE_SPECIFIC else "low"
    assert level(screen, "relapse_risk") == expected


@pytest.mark.parametrize(("cravings", "expected"), [(0, "low"), (1, "low"), (2, "moderate"), (4, "moderate")])
def test_mood_driven_signs_count_as_moderate_with_cravings_moderately_or_more(cravings, expected):
    screen = relapse(in_recovery(), risk=12, protective=12, cravings=cravings)
    assert level(screen, "relapse_risk") == expected


def test_cravings_alone_with_one_sign_are_still_low():
    screen = relapse(in_recovery(), risk=4, protective=12, cravings=4)
    assert level(screen, "relapse_risk") == "low"


@pytest.mark.parametrize(
    ("bam", "expected"),
    [
        ({"use": 0}, "low"),
        ({"use": 1}, "moderate"),
        ({"risk": 11}, "low"),
        ({"risk": 12}, "moderate"),
        ({"protective": 13}, "low"),
        ({"protective": 12}, "moderate"),
    ],
)
def test_relapse_sign_boundaries_next_to_a_recent_return_to_use(bam, expected):
    assert level(relapse(in_recovery(), returned="yes", **bam), "relapse_risk") == expected


def test_not_applicable_return_to_use_is_not_a_sign():
    screen = relapse(in_recovery(), use=1, returned="not_applicable")
    assert level(screen, "relapse_risk") == "low"


def test_relapse_risk_does_not_apply_to_someone_who_never_drank_used_or_had_a_problem():
    # Revision 2: the BAM is not asked, so no mood or sleep answer can become a relapse sign.
    screen = anxious(depressed(baseline(), phq9=15), gad7=12)
    assert "bam.1" not in screen["answers"]
    assert level(screen, "relapse_risk") == "not_applicable"


LOW_USE_WITHOUT_HISTORY = {
    "light drinking": lambda s: drinker(s, auditc=(1, 1, 0)),
    "drugs less than monthly": lambda s: drug_use(s, drugs=1),
    "rx less than monthly": lambda s: drug_use(s, rx=1),
}


@pytest.mark.parametrize("use", LOW_USE_WITHOUT_HISTORY)
def test_relapse_risk_does_not_apply_to_low_substance_use_without_a_past_problem(use):
    # The BAM is asked (they drink or use), but relapse means a return to a substance problem.
    screen = relapse_signs(LOW_USE_WITHOUT_HISTORY[use](baseline()), n=4)
    assert level(screen, "substance_use") == "low"
    assert level(screen, "relapse_risk") == "not_applicable"


@pytest.mark.parametrize("use", LOW_USE_WITHOUT_HISTORY)
def test_relapse_risk_applies_to_the_same_use_with_a_past_problem(use):
    screen = relapse_signs(LOW_USE_WITHOUT_HISTORY[use](in_recovery()), n=4)
    assert level(screen, "relapse_risk") == "high"


@pytest.mark.parametrize(
    "use",
    [
        lambda: drinker(auditc=(1, 1, 1)),
        lambda: drug_use(drugs=2),
        lambda: drug_use(rx=3, substances=["sedatives"]),
    ],
    ids=["risky drinking", "monthly drugs", "weekly rx misuse"],
)
def test_relapse_risk_applies_to_current_substance_use_without_a_past_problem(use):
    assert level(relapse_signs(use(), n=3), "relapse_risk") == "high"


# --- prior_care -----------------------------------------------------------------------------


@pytest.mark.parametrize("care", ["php", "residential", "inpatient"])
@pytest.mark.parametrize("status", ["currently_in", "discharged_30d", "discharged_90d"])
def test_recent_intensive_care(care, status):
    screen = prior_care(most_intensive=care, status=status, episodes="1")
    assert level(screen, "prior_care") == "recent_intensive"


@pytest.mark.parametrize("care", ["php", "residential", "inpatient"])
def test_intensive_care_more_than_90_days_ago_is_only_some(care):
    screen = prior_care(most_intensive=care, status="discharged_12m", episodes="1")
    assert level(screen, "prior_care") == "some"


@pytest.mark.parametrize("care", ["outpatient", "iop"])
@pytest.mark.parametrize("status", ["currently_in", "discharged_30d", "discharged_90d", "discharged_12m"])
def test_outpatient_or_iop_care_is_some(care, status):
    screen = prior_care(most_intensive=care, status=status, episodes="1")
    assert level(screen, "prior_care") == "some"


@pytest.mark.parametrize("episodes", ["1", "2_3", "4_plus"])
def test_earlier_episodes_without_care_this_year_are_some(episodes):
    assert level(prior_care(episodes=episodes), "prior_care") == "some"


def test_no_care_ever_is_none():
    assert level(prior_care(most_intensive="none", episodes="0"), "prior_care") == "none"


@pytest.mark.parametrize("completed", ["completed", "left_early", "ongoing"])
def test_whether_care_was_completed_does_not_change_prior_care(completed):
    screen = prior_care(
        most_intensive="residential", status="discharged_30d", completed=completed, episodes="1"
    )
    assert level(screen, "prior_care") == "recent_intensive"


def test_outpatient_not_enough_alone_is_not_prior_care():
    screen = prior_care(outpatient_not_enough="yes")
    assert level(screen, "prior_care") == "none"


# --- home_support ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (lambda: home(safe=False), "unsafe"),
        (lambda: home(housing="none"), "unsafe"),
        (lambda: home(social_support(total=12), safe=False), "unsafe"),
        (lambda: home(housing="none", others_using="yes"), "unsafe"),
        (lambda: social_support(total=35), "low"),
        (lambda: social_support(total=12), "low"),
        (lambda: home(housing="unstable"), "low"),
        (lambda: home(others_using="yes"), "low"),
        (lambda: home(social_support(mean=5.0), housing="unstable"), "low"),
        (lambda: social_support(mean=3.0), "moderate"),
        (lambda: social_support(mean=4.0), "moderate"),
        (lambda: social_support(mean=5.0), "moderate"),
        (lambda: home(social_support(mean=5.0), others_using="live_alone"), "moderate"),
        (lambda: social_support(total=61), "high"),
        (lambda: social_support(mean=7.0), "high"),
        (lambda: home(others_using="live_alone"), "high"),
    ],
    ids=[
        "does not feel safe",
        "no housing",
        "not safe and little support",
        "no housing and others using",
        "support mean 2.92",
        "support mean 1.0",
        "unstable housing",
        "lives with someone using",
        "unstable housing despite support 5.0",
        "support mean exactly 3.0",
        "support mean 4.0",
        "support mean exactly 5.0",
        "lives alone, support 5.0",
        "support mean 5.08",
        "support mean 7.0",
        "lives alone, support 6.0",
    ],
)
def test_home_support_levels(situation, expected):
    assert level(situation(), "home_support") == expected


# --- practical ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attend", "transport", "expected"),
    [
        ("yes", "yes", "ok"),
        ("maybe", "yes", "uncertain"),
        ("yes", "unsure", "uncertain"),
        ("maybe", "unsure", "uncertain"),
        ("no", "yes", "barrier"),
        ("yes", "no", "barrier"),
        ("no", "unsure", "barrier"),
        ("maybe", "no", "barrier"),
    ],
)
def test_practical_levels(attend, transport, expected):
    assert level(practical(attend=attend, transport=transport), "practical") == expected


@pytest.mark.parametrize("time", ["morning", "afternoon", "evening", "no_preference"])
@pytest.mark.parametrize("telehealth", [True, False])
def test_preferred_time_and_telehealth_do_not_make_a_barrier(time, telehealth):
    assert level(practical(time=time, telehealth=telehealth), "practical") == "ok"


def test_readiness_does_not_change_any_domain():
    assert levels(evaluate(with_answers(baseline(), {"readiness.ruler": 0}))) == levels(
        evaluate(with_answers(baseline(), {"readiness.ruler": 10}))
    )
