"""Domain levels: spec section 4, each rule and its boundaries."""

import pytest
from screens import (
    DOMAINS,
    anxious,
    baseline,
    daily_sedatives,
    depressed,
    diagnosed,
    drinker,
    drug_use,
    harm_to_others,
    home,
    levels,
    medically_unstable,
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

from scoring import evaluate


def level(screen, domain):
    return levels(evaluate(screen))[domain]


def test_low_risk_person_is_at_the_lowest_level_of_every_domain():
    assert levels(evaluate(baseline())) == {
        "safety": "none",
        "withdrawal_medical": "low",
        "substance_use": "low",
        "mental_health": "low",
        "dual_diagnosis": "absent",
        "relapse_risk": "low",
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
    "daily alcohol at 65 or older": lambda: heavy_daily_drinker(person(age="65_plus")),
    "medically unstable": lambda: medically_unstable(),
    "pregnant with daily alcohol": lambda: heavy_daily_drinker(person(pregnant="yes")),
    "pregnant with daily sedatives": lambda: daily_sedatives(person(pregnant="yes")),
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
}


@pytest.mark.parametrize("situation", MODERATE_WITHDRAWAL)
def test_withdrawal_medical_moderate(situation):
    assert level(MODERATE_WITHDRAWAL[situation](), "withdrawal_medical") == "moderate"


def test_heavy_drinking_that_is_not_daily_is_low_withdrawal_risk():
    screen = drinker(person(age="65_plus", pregnant="yes"), auditc=(4, 4, 4), daily=False)
    assert level(screen, "withdrawal_medical") == "low"


def test_drug_use_without_daily_use_is_low_withdrawal_risk():
    screen = drug_use(drugs=4, rx=4, substances=["heroin_fentanyl"], daily_opioids=False)
    assert level(screen, "withdrawal_medical") == "low"


# --- substance_use --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (lambda: baseline(), "low"),
        (lambda: drug_use(tobacco=4), "low"),
        (lambda: drinker(auditc=(1, 1, 0)), "low"),
        (lambda: drinker(auditc=(1, 1, 1)), "moderate"),
        (lambda: drug_use(drugs=1), "moderate"),
        (lambda: drug_use(rx=2), "moderate"),
        (lambda: drinker(auditc=(4, 4, 0)), "high"),
        (lambda: drug_use(drugs=3), "high"),
        (lambda: drug_use(rx=3), "high"),
        (lambda: drug_use(drinker(auditc=(1, 1, 1)), drugs=3), "high"),
        (lambda: drug_use(drinker(auditc=(4, 4, 0)), tobacco=4), "high"),
    ],
    ids=[
        "nothing",
        "tobacco alone",
        "auditc 2",
        "auditc 3",
        "drugs less than monthly",
        "rx monthly",
        "auditc 8",
        "drugs weekly",
        "rx weekly",
        "drinking and weekly drugs",
        "heavy drinking and tobacco",
    ],
)
def test_substance_use_levels(situation, expected):
    assert level(situation(), "substance_use") == expected


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
        (lambda: diagnosed(), "moderate"),
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
        "diagnosis",
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
        (lambda: diagnosed(drug_use(drugs=4)), "present"),
        (lambda: anxious(drug_use(rx=3), gad7=21), "present"),
        (lambda: drinker(auditc=(1, 1, 1)), "absent"),
        (lambda: depressed(phq9=27, item9=3), "absent"),
        (lambda: depressed(drug_use(tobacco=4), phq9=20), "absent"),
        (lambda: depressed(drinker(auditc=(4, 4, 4)), phq9=9), "absent"),
    ],
    ids=[
        "drinking and depression",
        "drugs and a diagnosis",
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


@pytest.mark.parametrize(
    ("signs", "expected"), [(0, "low"), (1, "low"), (2, "moderate"), (3, "high"), (4, "high")]
)
def test_relapse_risk_counts_the_signs(signs, expected):
    assert level(relapse_signs(n=signs), "relapse_risk") == expected


ONE_SIGN = {
    "any use in the past month": {"use": 1},
    "risk factors 12": {"risk": 12},
    "protective factors 12": {"protective": 12},
    "returned to use": {"returned": "yes"},
}


@pytest.mark.parametrize("sign", ONE_SIGN)
def test_one_relapse_sign_alone_is_low(sign):
    assert level(relapse(**ONE_SIGN[sign]), "relapse_risk") == "low"


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for i, a in enumerate(ONE_SIGN) for b in list(ONE_SIGN)[i + 1 :]],
)
def test_any_two_relapse_signs_are_moderate(first, second):
    screen = relapse(**ONE_SIGN[first], **ONE_SIGN[second])
    assert level(screen, "relapse_risk") == "moderate"


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
    assert level(relapse(returned="yes", **bam), "relapse_risk") == expected


def test_not_applicable_return_to_use_is_not_a_sign():
    screen = relapse(use=1, returned="not_applicable")
    assert level(screen, "relapse_risk") == "low"


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
