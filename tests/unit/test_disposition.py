"""The suggestion: spec section 5, each disposition, the reasons it gives and their precedence."""

import pytest

from scoring import evaluate
from tests.support.spec_screens import (
    FLAGS_WITH_A_NEED,
    INDICATORS,
    NOT_IOP,
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
    reasons_of,
    relapse,
    relapse_signs,
    rules,
    social_support,
    suicide_screen,
    trauma,
    with_answers,
    withdrawal,
)

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
    """H3: IOP-level care in the past 90 days (so a past problem) and a high relapse risk."""
    s = prior_care(in_recovery(screen), most_intensive=care, status=status, episodes="1")
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
        lambda: relapse_signs(
            prior_care(in_recovery(), most_intensive="iop", status="discharged_30d", episodes="1"), n=2
        ),
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
    "relapse_risk": lambda: relapse_signs(in_recovery(moderate_depression()), n=2),
    "step_up": lambda: outpatient_did_not_help(moderate_depression()),
    "repeated_treatment": lambda: prior_care(moderate_depression(), episodes="2_3"),
    "severe_symptoms": lambda: depressed(phq9=20),
    "recent_overdose": lambda: drug_use(drugs=2, overdose=True),
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
    # Less than monthly is a need only with a past problem (revision 2).
    assert suggestion(outpatient_did_not_help(drug_use(drugs=1, history=True))) == ("iop", {"step_up"})


def test_all_indicators_together():
    screen = relapse_signs(
        prior_care(
            depressed(drug_use(drinker(auditc=(4, 4, 4)), drugs=2, overdose=True), phq9=12),
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
            "recent_overdose",
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
        lambda: diagnosed(depressed(phq9=5)),
        lambda: trauma(yes=3),
        lambda: drinker(auditc=(1, 1, 1)),
        lambda: drug_use(drugs=2, rx=2),
        lambda: depressed(drinker(auditc=(1, 1, 1)), phq9=9),
    ],
    ids=[
        "moderate depression",
        "a diagnosis with mild symptoms",
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
    "relapse_risk": lambda: relapse_signs(in_recovery(), n=2),
    "repeated_treatment": lambda: prior_care(episodes="4_plus"),
    "recent_overdose": lambda: drug_use(drugs=1, overdose=True),
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


# --- revision 2: who relapse risk, severity and withdrawal risk are for --------------------


def test_a_purely_mental_health_need_gets_no_relapse_reason():
    # Revision 1 counted poor sleep and low mood on the BAM of someone who never used.
    screen = anxious(moderate_depression(), gad7=12)
    assert levels(evaluate(screen))["relapse_risk"] == "not_applicable"
    assert suggestion(screen) == ("outpatient", {"outpatient"})


def test_cannabis_once_this_year_and_an_old_diagnosis_is_not_co_occurring():
    screen = diagnosed(drug_use(drugs=1, substances=["cannabis"]))
    assert suggestion(screen) == ("outpatient", {"outpatient"})


def test_two_mood_driven_bam_scores_do_not_send_someone_in_recovery_to_iop():
    screen = relapse(in_recovery(moderate_depression()), risk=12, protective=12)
    assert suggestion(screen) == ("outpatient", {"outpatient"})


def test_the_same_bam_scores_with_cravings_are_an_iop_indicator():
    screen = relapse(in_recovery(moderate_depression()), risk=12, protective=12, cravings=2)
    assert suggestion(screen) == ("iop", {"relapse_risk"})


def test_weekly_cannabis_alone_is_not_severe_but_weekly_cocaine_is():
    assert suggestion(drug_use(drugs=3, substances=["cannabis"])) == ("outpatient", {"outpatient"})
    assert suggestion(drug_use(drugs=3, substances=["cocaine"])) == ("iop", {"severe_symptoms"})


def test_a_daily_benzodiazepine_in_pregnancy_is_not_detox_first():
    disposition, fired = suggestion(daily_sedatives(person(pregnant="yes")))
    assert "H1" not in fired
    assert disposition == "outpatient"


def test_daily_alcohol_in_pregnancy_is_medical_care_first():
    screen = drinker(person(pregnant="yes"), auditc=(3, 0, 0), daily=True)
    assert suggestion(screen) == ("higher_level", {"H1"})


def test_a_daily_glass_of_wine_at_70_is_not_detox_first():
    screen = drinker(person(age="65_plus"), auditc=(4, 0, 0), daily=True)
    disposition, fired = suggestion(screen)
    assert "H1" not in fired
    assert disposition != "higher_level"
    assert suggestion(drinker(person(age="65_plus"), auditc=(4, 1, 0), daily=True))[0] == "higher_level"


def test_a_recent_overdose_is_an_iop_indicator_with_need():
    # Monthly drug use alone is outpatient; the overdose makes it IOP.
    assert suggestion(drug_use(drugs=2, overdose=False)) == ("outpatient", {"outpatient"})
    result = evaluate(drug_use(drugs=2, overdose=True))
    assert (result["disposition"], rules(result)) == ("iop", {"recent_overdose"})
    [reason] = reasons_of(result, "recent_overdose")
    assert "overdose" in reason["text"]
    assert "also_noted" not in reason


def test_an_overdose_not_known_to_a_family_member_is_not_an_indicator():
    screen = dont_know("safety.overdose_90d", screen=drug_use(baseline("loved_one"), drugs=2))
    assert suggestion(screen) == ("outpatient", {"outpatient"})


# --- revision 2: reasons never contradict the suggestion or the flags ------------------------

ALSO_NOTED = {
    "urgent": lambda: harm_to_others(needs_iop()),
    "higher_level": lambda: medically_unstable(needs_iop()),
    "higher_level, every indicator": lambda: prior_care(
        relapsing_after_recent_iop(
            drug_use(
                medically_unstable(depressed(drinker(auditc=(4, 4, 4)), phq9=12)), drugs=2, overdose=True
            ),
            care="php",
            status="currently_in",
        ),
        outpatient_not_enough="yes",
        episodes="4_plus",
    ),
    "outpatient, step up without need": lambda: outpatient_did_not_help(),
    "outpatient, overdose without need": lambda: drug_use(drugs=1, overdose=True),
}


@pytest.mark.parametrize("situation", ALSO_NOTED)
def test_iop_indicators_under_another_suggestion_are_only_also_noted(situation):
    result = evaluate(ALSO_NOTED[situation]())
    assert result["disposition"] in NOT_IOP
    noted = [r for r in result["reasons"] if r["rule"] in INDICATORS]
    assert noted, "the situation must fire an indicator"
    for reason in noted:
        assert reason.get("also_noted") is True, reason
        assert reason["text"].startswith("Also noted"), reason["text"]
        assert "IOP" not in reason["text"], reason["text"]


def test_every_indicator_can_be_also_noted():
    result = evaluate(ALSO_NOTED["higher_level, every indicator"]())
    assert {r["rule"] for r in result["reasons"] if r.get("also_noted")} == set(INDICATORS)


@pytest.mark.parametrize(
    "situation",
    [needs_iop, INDICATOR_WITH_NEED["recent_overdose"], lambda: practical(needs_iop(), attend="no")],
    ids=["iop", "iop for an overdose", "iop with supports"],
)
def test_under_an_iop_suggestion_no_reason_is_also_noted(situation):
    result = evaluate(situation())
    assert result["disposition"] in ("iop", "iop_with_supports")
    for reason in result["reasons"]:
        assert "also_noted" not in reason, reason
        assert not reason["text"].startswith("Also noted"), reason["text"]


def test_the_reasons_that_decide_come_before_what_is_also_noted():
    result = evaluate(medically_unstable(needs_iop()))
    flags = [bool(r.get("also_noted")) for r in result["reasons"]]
    assert flags == sorted(flags)


def test_an_unstable_medical_condition_has_its_own_reason_not_the_withdrawal_text():
    [reason] = reasons_of(evaluate(medically_unstable()), "H1")
    assert "health problem" in reason["text"]
    assert "detox" not in reason["text"].lower()
    assert "withdrawal" not in reason["text"].lower()


def test_withdrawal_risk_and_an_unstable_condition_give_one_h1_reason_each():
    screen = medically_unstable(daily_sedatives(drinker(auditc=(4, 4, 4), daily=True)))
    h1 = reasons_of(evaluate(screen), "H1")
    assert len(h1) == 2
    detox = [r for r in h1 if "detox" in r["text"].lower()]
    medical = [r for r in h1 if "health problem" in r["text"]]
    assert len(detox) == 1 and len(medical) == 1
    assert detox != medical
    assert "sedatives" in detox[0]["text"]


URGENT_WITHDRAWAL = {
    "severe withdrawal": lambda: withdrawal(drinker(auditc=(4, 4, 4), daily=True), symptoms="severe"),
    "severe withdrawal and suicidal intent": lambda: suicide_screen(
        withdrawal(daily_sedatives(), symptoms="severe"), thoughts=True, intent=True
    ),
}


def _first(text: str, *words: str) -> int:
    found = [text.find(w) for w in words if w in text]
    return min(found) if found else len(text)


@pytest.mark.parametrize("situation", URGENT_WITHDRAWAL)
def test_severe_withdrawal_points_to_911_or_an_emergency_room_before_988(situation):
    result = evaluate(URGENT_WITHDRAWAL[situation]())
    [reason] = reasons_of(result, "urgent")
    text = reason["text"]
    assert "911" in text and "emergency room" in text
    assert _first(text, "911", "emergency room") < _first(text, "988")


def test_the_urgent_reason_names_only_the_answers_that_made_it_urgent():
    # Not a family member's "I don't know", nor mild withdrawal: they did not make it urgent.
    screen = suicide_screen(
        withdrawal(daily_sedatives(baseline("loved_one")), symptoms="mild"), thoughts=True, intent=True
    )
    screen = dont_know("safety.harm_others", screen=screen)
    [reason] = reasons_of(evaluate(screen), "urgent")
    answers = {k: v for k, v in reason["evidence"].items() if not k.startswith("domains.")}
    assert answers == {"cssrs.4": True}


def test_suicide_risk_without_severe_withdrawal_points_to_988():
    [reason] = reasons_of(evaluate(suicide_screen(thoughts=True, plan=True)), "urgent")
    assert "988" in reason["text"]


def says_no_concerns(text: str) -> bool:
    return "do not show" in text or "no concerns" in text


def test_the_calm_outpatient_reason_says_the_answers_show_no_concerns():
    # Without this the test below could not fail: it is the wording that must not appear there.
    [reason] = reasons_of(evaluate(baseline()), "outpatient")
    assert says_no_concerns(reason["text"])


NEED_OF_ITS_OWN = {
    "does not feel safe at home": lambda: home(safe=False),
    "unstable housing": lambda: home(housing="unstable"),
    "no housing": lambda: home(housing="none"),
    "thoughts of death": lambda: depressed(phq9=1, item9=1),
    "a family member does not know": lambda: dont_know("cssrs.2"),
    "on moud": on_moud,
    "opioids once this year": lambda: drug_use(drugs=1, substances=["heroin_fentanyl"]),
    "overdose not known": lambda: dont_know(
        "safety.overdose_90d", screen=drug_use(baseline("loved_one"), drugs=1)
    ),
    "thought of a method": lambda: suicide_screen(thoughts=True, method=True),
}


@pytest.mark.parametrize("situation", NEED_OF_ITS_OWN)
def test_no_reason_says_no_concerns_beside_a_flag_with_a_need(situation):
    result = evaluate(NEED_OF_ITS_OWN[situation]())
    assert result["disposition"] == "outpatient"
    assert set(result["flags"]) & set(FLAGS_WITH_A_NEED)
    for reason in result["reasons"]:
        assert not says_no_concerns(reason["text"]), reason["text"]


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
        *(build() for build in ALSO_NOTED.values()),
        *(build() for build in NEED_OF_ITS_OWN.values()),
        *(build() for build in URGENT_WITHDRAWAL.values()),
    ):
        for reason in evaluate(situation)["reasons"]:
            assert isinstance(reason["text"], str)
            assert reason["text"].strip()
            assert not any(c in reason["text"] for c in "{}<>"), reason["text"]
