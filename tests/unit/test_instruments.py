"""Instrument scores and bands: spec section 3 (and the `instruments` keys of section 7)."""

import pytest

from scoring import evaluate
from scoring.instruments import score_ranges
from tests.support.spec_screens import (
    BAM_PROTECTIVE,
    BAM_RISK,
    BAM_USE,
    anxious,
    baseline,
    depressed,
    dont_know,
    drinker,
    drug_use,
    in_recovery,
    levels,
    person,
    relapse,
    social_support,
    suicide_screen,
    trauma,
    with_answers,
)


def instruments(screen):
    return evaluate(screen)["instruments"]


def test_low_risk_person_scores_lowest_on_every_instrument():
    got = instruments(baseline())
    assert got["auditc"]["score"] == 0
    assert got["auditc"]["band"] == "negative"
    assert (got["taps1"]["tobacco"], got["taps1"]["drugs"], got["taps1"]["rx"]) == (0, 0, 0)
    assert (got["phq9"]["score"], got["phq9"]["band"]) == (0, "minimal")
    assert (got["gad7"]["score"], got["gad7"]["band"]) == (0, "minimal")
    assert (got["pcptsd5"]["score"], got["pcptsd5"]["band"]) == (0, "negative")
    assert got["cssrs"]["risk"] == "none"
    # Revision 2: the BAM is not asked of someone who never drank, used or had a problem.
    assert "bam" not in got
    assert got["mspss"]["mean"] == pytest.approx(6.0)
    assert got["mspss"]["band"] == "high"


def test_low_risk_person_in_recovery_scores_lowest_on_the_bam():
    got = instruments(in_recovery())["bam"]
    assert (got["use"], got["risk"], got["protective"]) == (0, 0, 24)


# --- AUDIT-C --------------------------------------------------------------------------------


def test_auditc_score_is_the_sum_of_the_three_items():
    got = instruments(drinker(auditc=(2, 3, 1)))["auditc"]
    assert got["score"] == 6


def test_auditc_follow_ups_not_asked_of_a_non_drinker_count_zero():
    screen = drinker(auditc=(0, 0, 0))
    assert "auditc.2" not in screen["answers"]
    got = instruments(screen)["auditc"]
    assert (got["score"], got["band"]) == (0, "negative")


AUDITC_OF_SCORE = {2: (1, 1, 0), 3: (1, 1, 1), 4: (2, 1, 1), 7: (4, 3, 0), 8: (4, 4, 0)}


@pytest.mark.parametrize(
    ("sex", "score", "band", "substance_use"),
    [
        ("female", 2, "negative", "low"),
        ("female", 3, "positive", "moderate"),
        ("intersex", 2, "negative", "low"),
        ("intersex", 3, "positive", "moderate"),
        ("prefer_not_to_say", 2, "negative", "low"),
        ("prefer_not_to_say", 3, "positive", "moderate"),
        ("male", 3, "negative", "low"),
        ("male", 4, "positive", "moderate"),
    ],
)
def test_auditc_positive_cut_off_depends_on_sex_at_birth(sex, score, band, substance_use):
    screen = drinker(person(sex=sex), auditc=AUDITC_OF_SCORE[score])
    result = evaluate(screen)
    assert result["instruments"]["auditc"]["score"] == score
    assert result["instruments"]["auditc"]["band"] == band
    assert levels(result)["substance_use"] == substance_use


@pytest.mark.parametrize("sex", ["female", "male", "intersex", "prefer_not_to_say"])
def test_auditc_of_8_is_high_substance_use_and_7_is_not(sex):
    at_8 = evaluate(drinker(person(sex=sex), auditc=AUDITC_OF_SCORE[8]))
    at_7 = evaluate(drinker(person(sex=sex), auditc=AUDITC_OF_SCORE[7]))
    assert at_8["instruments"]["auditc"]["score"] == 8
    assert at_8["instruments"]["auditc"]["band"] != "negative"
    assert levels(at_8)["substance_use"] == "high"
    assert at_7["instruments"]["auditc"]["band"] == "positive"
    assert levels(at_7)["substance_use"] == "moderate"


def test_auditc_of_12_is_high():
    result = evaluate(drinker(auditc=(4, 4, 4)))
    assert result["instruments"]["auditc"]["score"] == 12
    assert levels(result)["substance_use"] == "high"


# --- TAPS-1 ---------------------------------------------------------------------------------


def test_taps1_reports_each_item_as_answered():
    got = instruments(drug_use(tobacco=4, drugs=2, rx=1))["taps1"]
    assert (got["tobacco"], got["drugs"], got["rx"]) == (4, 2, 1)


@pytest.mark.parametrize(
    ("drugs", "rx", "substance_use"),
    [
        (0, 0, "low"),
        (1, 0, "low"),
        (0, 1, "low"),
        (2, 0, "moderate"),
        (0, 2, "moderate"),
        (2, 2, "moderate"),
        (3, 0, "moderate"),
        (0, 3, "high"),
        (4, 0, "high"),
        (0, 4, "high"),
    ],
)
def test_taps1_drug_or_prescription_misuse_sets_substance_use(drugs, rx, substance_use):
    # Cannabis in the past 3 months (the builder's default), no past problem.
    screen = drug_use(drugs=drugs, rx=rx, substances=["cannabis"] if drugs or rx else None)
    assert levels(evaluate(screen))["substance_use"] == substance_use


@pytest.mark.parametrize(("drugs", "rx"), [(1, 0), (0, 1), (1, 1)])
def test_taps1_less_than_monthly_counts_with_a_past_problem(drugs, rx):
    assert levels(evaluate(drug_use(drugs=drugs, rx=rx, history=True)))["substance_use"] == "moderate"


def test_taps1_items_are_reported_as_answered_whatever_the_past_3_months():
    got = instruments(drug_use(drugs=4, rx=3, substances=["none_3m"]))["taps1"]
    assert (got["drugs"], got["rx"]) == (4, 3)


def test_taps1_daily_tobacco_alone_is_not_substance_use():
    assert levels(evaluate(drug_use(tobacco=4)))["substance_use"] == "low"


# --- PHQ-9 and GAD-7 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands(total, band):
    got = instruments(depressed(phq9=total, item9=max(0, total - 24)))["phq9"]
    assert (got["score"], got["band"]) == (total, band)


def test_phq9_item_9_counts_in_the_sum():
    got = instruments(depressed(phq9=6, item9=2))["phq9"]
    assert (got["score"], got["band"]) == (6, "mild")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands(total, band):
    got = instruments(anxious(gad7=total))["gad7"]
    assert (got["score"], got["band"]) == (total, band)


def test_phq9_and_gad7_are_scored_separately():
    got = instruments(anxious(depressed(phq9=7), gad7=12))
    assert got["phq9"]["score"] == 7
    assert got["gad7"]["score"] == 12


# --- PC-PTSD-5 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "score", "band"),
    [
        (0, 0, "negative"),
        (2, 2, "negative"),
        (3, 3, "positive"),
        ((3, 4, 5), 3, "positive"),
        ((1, 5), 2, "negative"),
        (5, 5, "positive"),
    ],
)
def test_pcptsd5_counts_yes_answers_and_is_positive_at_3(yes, score, band):
    got = instruments(trauma(yes=yes))["pcptsd5"]
    assert (got["score"], got["band"]) == (score, band)


def test_pcptsd5_is_zero_without_trauma_exposure():
    screen = trauma(exposure=False)
    assert "pcptsd5.1" not in screen["answers"]
    got = instruments(screen)["pcptsd5"]
    assert (got["score"], got["band"]) == (0, "negative")


# --- C-SSRS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({}, "none"),
        ({"wish_dead": True}, "low"),
        ({"thoughts": True}, "low"),
        ({"wish_dead": True, "thoughts": True}, "low"),
        ({"thoughts": True, "method": True}, "moderate"),
        ({"behaviour": True, "recent": False}, "moderate"),
        ({"wish_dead": True, "behaviour": True, "recent": False}, "moderate"),
        ({"thoughts": True, "method": True, "behaviour": True}, "moderate"),
        ({"thoughts": True, "intent": True}, "high"),
        ({"thoughts": True, "plan": True}, "high"),
        ({"behaviour": True, "recent": True}, "high"),
        ({"thoughts": True, "method": True, "intent": True, "plan": True}, "high"),
        ({"wish_dead": True, "behaviour": True, "recent": True}, "high"),
    ],
)
def test_cssrs_risk_by_each_path(answers, risk):
    assert instruments(suicide_screen(**answers))["cssrs"]["risk"] == risk


@pytest.mark.parametrize(
    ("unknown", "risk"),
    [
        (("cssrs.1",), "none"),
        (("cssrs.2",), "none"),
        (("cssrs.6",), "none"),
        (("cssrs.1", "cssrs.2", "cssrs.6"), "none"),
    ],
)
def test_cssrs_counts_a_family_members_unknown_as_not_yes(unknown, risk):
    assert instruments(dont_know(*unknown))["cssrs"]["risk"] == risk


def test_cssrs_unknown_beside_a_yes_keeps_the_yes():
    screen = dont_know("cssrs.6", screen=suicide_screen(baseline("loved_one"), wish_dead=True))
    assert instruments(screen)["cssrs"]["risk"] == "low"


# --- BAM ------------------------------------------------------------------------------------

BAM_ASKED = {
    "drinks": lambda: drinker(auditc=(1, 0, 0)),
    "uses drugs": lambda: drug_use(drugs=1),
    "misuses prescriptions": lambda: drug_use(rx=1),
    "had a problem": lambda: in_recovery(),
}
BAM_NOT_ASKED = {
    "uses nothing": lambda: baseline(),
    "tobacco only": lambda: drug_use(tobacco=4),
    "said no to a past problem": lambda: in_recovery(value=False),
    "family member, uses nothing": lambda: baseline("loved_one"),
}


@pytest.mark.parametrize("situation", BAM_ASKED)
def test_bam_is_scored_when_asked(situation):
    screen = BAM_ASKED[situation]()
    assert "bam.1" in screen["answers"]
    assert {"use", "risk", "protective"} <= set(instruments(screen)["bam"])


@pytest.mark.parametrize("situation", BAM_NOT_ASKED)
def test_bam_is_left_out_of_the_result_when_not_asked(situation):
    screen = BAM_NOT_ASKED[situation]()
    assert not any(k.startswith("bam.") or k == "relapse.recent_return" for k in screen["answers"])
    assert "bam" not in instruments(screen)


def bam_scales(screen):
    got = instruments(screen)["bam"]
    return {"use": got["use"], "risk": got["risk"], "protective": got["protective"]}


SCALE_OF_ITEM = {
    **{b: "use" for b in BAM_USE},
    **{b: "risk" for b in BAM_RISK},
    **{b: "protective" for b in BAM_PROTECTIVE},
    "bam.17": None,
}


@pytest.mark.parametrize("item", sorted(SCALE_OF_ITEM, key=lambda b: int(b.split(".")[1])))
def test_each_bam_item_counts_in_its_own_scale_only(item):
    before = bam_scales(in_recovery())
    base_value = in_recovery()["answers"][item]
    new_value = {0: 3, 4: 0 if item == "bam.14" else 1, 3: 0}[base_value]
    after = bam_scales(with_answers(in_recovery(), {item: new_value}))
    scale = SCALE_OF_ITEM[item]
    expected = dict(before)
    if scale is not None:
        expected[scale] += new_value - base_value
    assert after == expected


def test_bam_example_from_the_spec():
    screen = relapse(in_recovery(), use=2, risk=13, protective=10)
    assert bam_scales(screen) == {"use": 2, "risk": 13, "protective": 10}


def test_bam_maximum_and_minimum_sums():
    assert bam_scales(relapse(in_recovery(), use=12, risk=24, protective=0)) == {
        "use": 12,
        "risk": 24,
        "protective": 0,
    }


def test_bam_cravings_count_in_the_risk_scale():
    got = bam_scales(relapse(in_recovery(), risk=6, cravings=4))
    assert got["risk"] == 6


# --- MSPSS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "mean", "band"),
    [
        (12, 1.0, "low"),
        (35, 2.92, "low"),
        (36, 3.0, "moderate"),
        (41, 3.42, "moderate"),
        (49, 4.08, "moderate"),
        (60, 5.0, "moderate"),
        (61, 5.08, "high"),
        (72, 6.0, "high"),
        (84, 7.0, "high"),
    ],
)
def test_mspss_mean_rounded_to_2_decimals_and_band(total, mean, band):
    got = instruments(social_support(total=total))["mspss"]
    assert got["mean"] == pytest.approx(mean, abs=1e-9)
    assert got["band"] == band


SUBSCALE_KEYS = {
    "significant_other": ("significant_other", "significantother", "special_person", "so"),
    "family": ("family",),
    "friends": ("friends",),
}


def _subscale_means(mspss: dict) -> dict:
    """The subscale means the result exposes (the spec allows them, does not require them)."""
    holder = mspss.get("subscales", mspss)
    found = {}
    for name, keys in SUBSCALE_KEYS.items():
        for key in keys:
            if key in holder:
                value = holder[key]
                found[name] = value["mean"] if isinstance(value, dict) else value
    return found


def test_mspss_subscales_if_reported():
    # Significant other 5,5,5,6 -> 5.25; family 1,1,2,2 -> 1.5; friends 7,7,7,6 -> 6.75.
    items = {1: 5, 2: 5, 5: 5, 10: 6, 3: 1, 4: 1, 8: 2, 11: 2, 6: 7, 7: 7, 9: 7, 12: 6}
    got = instruments(social_support(items=[items[i] for i in range(1, 13)]))["mspss"]
    assert got["mean"] == pytest.approx(4.5, abs=1e-9)
    subscales = _subscale_means(got)
    if not subscales:
        pytest.skip("the result does not expose MSPSS subscales")
    assert subscales == pytest.approx({"significant_other": 5.25, "family": 1.5, "friends": 6.75}, abs=1e-9)


# --- Score ranges (the "of 27" beside a score) -------------------------------------------------


def test_each_score_range_is_the_one_section_3_gives():
    ranges = score_ranges()
    assert ranges["auditc"] == (0, 12)
    assert ranges["phq9"] == (0, 27)
    assert ranges["gad7"] == (0, 21)
    assert ranges["pcptsd5"] == (0, 5)
    assert ranges["bam.use"] == (0, 12)
    assert ranges["bam.risk"] == (0, 24)
    assert ranges["bam.protective"] == (0, 24)
    assert ranges["mspss"] == (1, 7)
