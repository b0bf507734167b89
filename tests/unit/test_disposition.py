"""The suggestion: spec section 5, each disposition, the reasons it gives and their precedence."""

import pytest
from screens import (
    anxious,
    baseline,
    depressed,
    diagnosed,
    drinker,
    drug_use,
    harm_to_others,
    home,
    levels,
    medically_unstable,
    practical,
    prior_care,
    relapse_signs,
    rules,
    social_support,
    suicide_screen,
    trauma,
    with_answers,
    withdrawal,
)

from scoring import evaluate

# --- Situations -----------------------------------------------------------------------------


def moderate_depression(screen=None):
    """Need (mental_health moderate) and nothing else."""
    return depressed(screen, phq9=12)


def outpatient_did_not_help(screen=None):
    """The step_up indicator."""
    return prior_care(screen, outpatient_not_enough="yes")


def needs_iop(screen=None):
    """Need with one indicator (step_up): IOP unless something else is in the way."""
    return outpatient_did_not_help(moderate_depression(screen))


def just_left_php(screen=None):
    """The step_down indicator: discharged from partial hospitalisation 30 days ago."""
    return prior_care(screen, most_intensive="php", status="discharged_30d", episodes="1")


def relapsing_after_recent_iop(screen=None, *, care="iop", status="discharged_90d"):
    """H3: IOP-level care in the past 90 days and a high relapse risk."""
    s = prior_care(screen, most_intensive=care, status=status, episodes="1")
    return relapse_signs(s, n=3)


def low_support(screen=None):
    return social_support(screen, total=35)


def suggestion(screen):
    result = evaluate(screen)
    return result["disposition"], rules(result)


# --- urgent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [
        harm_to_others,
        lambda: suicide_screen(thoughts=True, intent=True),
        lambda: suicide_screen(thoughts=True, plan=True),
        lambda: suicide_screen(behaviour=True, recent=True),
        lambda: withdrawal(drinker(auditc=(4, 4, 4), daily=True), symptoms="severe"),
    ],
    ids=["harm to others", "intent", "plan", "recent attempt", "severe withdrawal"],
)
def test_urgent_safety_suggests_crisis_help_first(situation):
    disposition, fired = suggestion(situation())
    assert disposition == "urgent"
    assert "urgent" in fired


def test_urgent_alone_gives_only_the_urgent_reason():
    assert suggestion(harm_to_others()) == ("urgent", {"urgent"})


@pytest.mark.parametrize(
    "situation",
    [
        lambda: depressed(phq9=1, item9=1),
        lambda: suicide_screen(wish_dead=True, thoughts=True, method=True),
        lambda: suicide_screen(behaviour=True, recent=False),
    ],
    ids=["thoughts of death", "thoughts with a method", "attempt longer ago"],
)
def test_elevated_safety_alone_is_not_urgent(situation):
    disposition, fired = suggestion(situation())
    assert disposition == "outpatient"
    assert "urgent" not in fired


# --- higher_level ---------------------------------------------------------------------------


def test_h1_medically_unstable_needs_medical_care_first_even_without_need():
    assert suggestion(medically_unstable()) == ("higher_level", {"H1"})


def test_h1_daily_drinking_with_daily_sedatives():
    screen = with_answers(drinker(auditc=(4, 4, 4), daily=True), {"withdrawal.daily_sedatives": True})
    # auditc 12 is also severe substance use: that indicator is still reported.
    assert suggestion(screen) == ("higher_level", {"H1", "severe_symptoms"})


def test_moderate_withdrawal_risk_is_not_h1():
    screen = drinker(auditc=(4, 4, 4), daily=True)
    disposition, fired = suggestion(screen)
    assert levels(evaluate(screen))["withdrawal_medical"] == "moderate"
    assert "H1" not in fired
    assert disposition == "iop"


@pytest.mark.parametrize(
    "unsafe",
    [{"safe": False}, {"housing": "none"}],
    ids=["does not feel safe at home", "no housing"],
)
def test_h2_unsafe_home_with_need(unsafe):
    assert suggestion(home(moderate_depression(), **unsafe)) == ("higher_level", {"H2"})


def test_h2_unsafe_home_with_substance_use_need():
    screen = home(drug_use(drugs=2), safe=False)
    assert suggestion(screen) == ("higher_level", {"H2"})


def test_unsafe_home_without_need_is_not_h2():
    disposition, fired = suggestion(home(safe=False))
    assert disposition == "outpatient"
    assert "H2" not in fired


@pytest.mark.parametrize("care", ["iop", "php"])
@pytest.mark.parametrize("status", ["currently_in", "discharged_30d", "discharged_90d"])
def test_h3_use_continues_despite_recent_iop_level_care(care, status):
    disposition, fired = suggestion(relapsing_after_recent_iop(care=care, status=status))
    assert disposition == "higher_level"
    assert "H3" in fired
    assert "relapse_risk" in fired


def test_h3_after_iop_reports_relapse_risk_too():
    assert suggestion(relapsing_after_recent_iop()) == ("higher_level", {"H3", "relapse_risk"})


def test_h3_while_in_php_reports_step_down_too():
    screen = relapsing_after_recent_iop(care="php", status="currently_in")
    assert suggestion(screen) == ("higher_level", {"H3", "relapse_risk", "step_down"})


@pytest.mark.parametrize(
    "situation",
    [
        lambda: relapsing_after_recent_iop(care="iop", status="discharged_12m"),
        lambda: relapsing_after_recent_iop(care="php", status="discharged_12m"),
        lambda: relapsing_after_recent_iop(care="outpatient", status="currently_in"),
        lambda: relapsing_after_recent_iop(care="residential", status="discharged_30d"),
        lambda: relapsing_after_recent_iop(care="inpatient", status="discharged_90d"),
        lambda: relapse_signs(prior_care(most_intensive="iop", status="discharged_30d", episodes="1"), n=2),
    ],
    ids=[
        "iop over 90 days ago",
        "php over 90 days ago",
        "outpatient care",
        "residential care",
        "inpatient care",
        "recent iop, moderate relapse risk",
    ],
)
def test_not_h3(situation):
    disposition, fired = suggestion(situation())
    assert "H3" not in fired
    assert disposition != "higher_level"


def test_h4_severe_mental_health_with_low_home_support():
    screen = low_support(depressed(phq9=20))
    assert suggestion(screen) == ("higher_level", {"H4", "severe_symptoms"})


@pytest.mark.parametrize(
    "low", [{"housing": "unstable"}, {"others_using": "yes"}], ids=["unstable", "others using"]
)
def test_h4_severe_anxiety_with_low_home_support(low):
    screen = home(anxious(gad7=15), **low)
    assert suggestion(screen) == ("higher_level", {"H4", "severe_symptoms"})


def test_h4_with_unsafe_home_also_gives_h2():
    screen = home(depressed(phq9=20), safe=False)
    assert suggestion(screen) == ("higher_level", {"H2", "H4", "severe_symptoms"})


def test_severe_substance_use_with_low_home_support_is_not_h4():
    screen = low_support(drug_use(drugs=4))
    assert suggestion(screen) == ("iop_with_supports", {"severe_symptoms", "home_support_low"})


def test_severe_mental_health_with_moderate_home_support_is_iop():
    screen = social_support(depressed(phq9=20), mean=3.0)
    assert suggestion(screen) == ("iop", {"severe_symptoms"})


def test_every_higher_level_rule_that_holds_is_reported():
    screen = relapsing_after_recent_iop(
        home(medically_unstable(depressed(phq9=20)), safe=False), status="discharged_30d"
    )
    assert suggestion(screen) == (
        "higher_level",
        {"H1", "H2", "H3", "H4", "severe_symptoms", "relapse_risk"},
    )


def test_iop_indicators_are_reported_even_when_a_higher_level_is_suggested():
    screen = prior_care(medically_unstable(needs_iop()), episodes="2_3")
    assert suggestion(screen) == ("higher_level", {"H1", "step_up", "repeated_treatment"})


# --- iop ------------------------------------------------------------------------------------


def test_step_down_from_php_is_iop_even_without_current_need():
    screen = just_left_php()
    assert levels(evaluate(screen))["substance_use"] == "low"
    assert levels(evaluate(screen))["mental_health"] == "low"
    assert suggestion(screen) == ("iop", {"step_down"})


@pytest.mark.parametrize("care", ["php", "residential", "inpatient"])
@pytest.mark.parametrize("status", ["currently_in", "discharged_30d", "discharged_90d"])
def test_step_down_from_each_intensive_setting(care, status):
    screen = prior_care(most_intensive=care, status=status, episodes="1")
    assert suggestion(screen) == ("iop", {"step_down"})


INDICATOR_WITH_NEED = {
    "co_occurring": lambda: depressed(drinker(auditc=(1, 1, 1)), phq9=12),
    "relapse_risk": lambda: relapse_signs(moderate_depression(), n=2),
    "step_up": lambda: outpatient_did_not_help(moderate_depression()),
    "repeated_treatment": lambda: prior_care(moderate_depression(), episodes="2_3"),
    "severe_symptoms": lambda: depressed(phq9=20),
}


@pytest.mark.parametrize("indicator", INDICATOR_WITH_NEED)
def test_need_with_one_indicator_is_iop(indicator):
    assert suggestion(INDICATOR_WITH_NEED[indicator]()) == ("iop", {indicator})


def test_four_or_more_episodes_is_repeated_treatment():
    screen = prior_care(moderate_depression(), episodes="4_plus")
    assert suggestion(screen) == ("iop", {"repeated_treatment"})


def test_one_earlier_episode_is_not_repeated_treatment():
    screen = prior_care(moderate_depression(), episodes="1")
    assert suggestion(screen) == ("outpatient", {"outpatient"})


def test_severe_substance_use_alone_is_iop():
    assert suggestion(drug_use(rx=3)) == ("iop", {"severe_symptoms"})


def test_substance_use_need_with_step_up_is_iop():
    assert suggestion(outpatient_did_not_help(drug_use(drugs=1))) == ("iop", {"step_up"})


def test_all_indicators_together():
    screen = relapse_signs(
        prior_care(
            depressed(drinker(auditc=(4, 4, 4)), phq9=12),
            most_intensive="residential",
            status="currently_in",
            outpatient_not_enough="yes",
            episodes="4_plus",
        ),
        n=2,
    )
    assert suggestion(screen) == (
        "iop",
        {
            "step_down",
            "co_occurring",
            "relapse_risk",
            "step_up",
            "repeated_treatment",
            "severe_symptoms",
        },
    )


@pytest.mark.parametrize(
    "situation",
    [
        lambda: practical(needs_iop(), attend="maybe"),
        lambda: practical(needs_iop(), transport="unsure"),
        lambda: social_support(needs_iop(), mean=3.0),
        lambda: home(needs_iop(), others_using="live_alone"),
    ],
    ids=["may be able to attend", "unsure of transport", "moderate support", "lives alone"],
)
def test_uncertainties_that_are_not_barriers_keep_iop(situation):
    assert suggestion(situation()) == ("iop", {"step_up"})


# --- iop_with_supports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "low",
    [
        lambda s: social_support(s, total=35),
        lambda s: home(s, housing="unstable"),
        lambda s: home(s, others_using="yes"),
    ],
    ids=["little social support", "unstable housing", "lives with someone using"],
)
def test_low_home_support_gives_iop_with_supports(low):
    assert suggestion(low(needs_iop())) == ("iop_with_supports", {"step_up", "home_support_low"})


@pytest.mark.parametrize("unsafe", [{"safe": False}, {"housing": "none"}], ids=["not safe", "no housing"])
def test_unsafe_home_after_step_down_without_need_gives_iop_with_supports(unsafe):
    screen = home(just_left_php(), **unsafe)
    assert suggestion(screen) == ("iop_with_supports", {"step_down", "home_support_unsafe"})


@pytest.mark.parametrize(
    "barrier", [{"attend": "no"}, {"transport": "no"}], ids=["cannot attend", "no transport"]
)
def test_practical_barrier_gives_iop_with_supports(barrier):
    screen = practical(needs_iop(), **barrier)
    assert suggestion(screen) == ("iop_with_supports", {"step_up", "practical_barrier"})


def test_each_barrier_is_named():
    screen = practical(home(needs_iop(), housing="unstable"), attend="no", transport="no")
    assert suggestion(screen) == (
        "iop_with_supports",
        {"step_up", "home_support_low", "practical_barrier"},
    )


def test_unsafe_home_and_practical_barrier_after_step_down():
    screen = practical(home(just_left_php(), safe=False), transport="no")
    assert suggestion(screen) == (
        "iop_with_supports",
        {"step_down", "home_support_unsafe", "practical_barrier"},
    )


# --- outpatient -----------------------------------------------------------------------------


def test_no_need_and_no_indicator_is_outpatient():
    assert suggestion(baseline()) == ("outpatient", {"outpatient"})


@pytest.mark.parametrize(
    "situation",
    [
        moderate_depression,
        diagnosed,
        lambda: trauma(yes=3),
        lambda: drinker(auditc=(1, 1, 1)),
        lambda: drug_use(drugs=2, rx=2),
        lambda: depressed(drinker(auditc=(1, 1, 1)), phq9=9),
    ],
    ids=[
        "moderate depression",
        "a diagnosis",
        "probable ptsd",
        "risky drinking",
        "monthly drug use",
        "risky drinking, mild depression",
    ],
)
def test_need_without_any_indicator_is_outpatient(situation):
    assert suggestion(situation()) == ("outpatient", {"outpatient"})


INDICATOR_WITHOUT_NEED = {
    "step_up": lambda: outpatient_did_not_help(),
    "relapse_risk": lambda: relapse_signs(n=2),
    "repeated_treatment": lambda: prior_care(episodes="4_plus"),
}


@pytest.mark.parametrize("indicator", INDICATOR_WITHOUT_NEED)
def test_indicator_without_need_is_outpatient(indicator):
    disposition, _ = suggestion(INDICATOR_WITHOUT_NEED[indicator]())
    assert disposition == "outpatient"


@pytest.mark.parametrize("indicator", INDICATOR_WITHOUT_NEED)
def test_indicator_without_need_is_still_reported(indicator):
    # Section 7: `reasons` name every rule that fired.
    result = suggestion(INDICATOR_WITHOUT_NEED[indicator]())
    assert result == ("outpatient", {indicator, "outpatient"})


def test_barriers_without_an_iop_indication_stay_outpatient():
    screen = practical(low_support(moderate_depression()), attend="no")
    assert suggestion(screen) == ("outpatient", {"outpatient"})


# --- precedence -----------------------------------------------------------------------------


def test_urgent_comes_before_higher_level_and_iop():
    screen = harm_to_others(medically_unstable(needs_iop()))
    disposition, fired = suggestion(screen)
    assert disposition == "urgent"
    assert "urgent" in fired
    assert "outpatient" not in fired


def test_higher_level_comes_before_iop():
    screen = medically_unstable(needs_iop())
    assert suggestion(screen) == ("higher_level", {"H1", "step_up"})


def test_higher_level_comes_before_iop_with_supports():
    screen = practical(relapsing_after_recent_iop(moderate_depression()), attend="no")
    disposition, fired = suggestion(screen)
    assert disposition == "higher_level"
    assert "H3" in fired


def test_iop_with_supports_comes_before_outpatient():
    disposition, fired = suggestion(practical(needs_iop(), attend="no"))
    assert disposition == "iop_with_supports"
    assert "outpatient" not in fired


# --- what does not change the suggestion --------------------------------------------------


@pytest.mark.parametrize(
    "situation",
    [baseline, needs_iop, medically_unstable, lambda: practical(needs_iop(), attend="no")],
    ids=["low risk", "iop", "higher level", "iop with supports"],
)
def test_readiness_tailors_the_message_never_the_suggestion(situation):
    ready = suggestion(with_answers(situation(), {"readiness.ruler": 10}))
    not_ready = suggestion(with_answers(situation(), {"readiness.ruler": 0}))
    assert ready == not_ready


@pytest.mark.parametrize(
    "situation",
    [baseline, needs_iop, medically_unstable, lambda: low_support(needs_iop())],
    ids=["low risk", "iop", "higher level", "iop with supports"],
)
def test_a_loved_one_answering_gets_the_same_suggestion(situation):
    screen = situation()
    loved_one = dict(screen, respondent="loved_one")
    assert suggestion(loved_one) == suggestion(screen)


def test_every_reason_is_plain_text():
    screen = relapsing_after_recent_iop(
        home(medically_unstable(depressed(drinker(auditc=(4, 4, 4)), phq9=20)), safe=False)
    )
    screen = prior_care(screen, outpatient_not_enough="yes", episodes="4_plus")
    for situation in (
        screen,
        baseline(),
        practical(home(just_left_php(), safe=False), attend="no"),
        low_support(needs_iop()),
        harm_to_others(),
    ):
        for reason in evaluate(situation)["reasons"]:
            assert isinstance(reason["text"], str)
            assert reason["text"].strip()
            assert not any(c in reason["text"] for c in "{}<>"), reason["text"]
