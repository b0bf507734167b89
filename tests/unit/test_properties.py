"""Properties over random screens (hypothesis).

Random valid screens are built by walking the spec's items in order, choosing a valid value for
each item that is asked (screens.valid_screens). They must always evaluate, to a result of the
shape of section 7 whose levels, suggestion, reasons and flags follow sections 3 to 6. Random
corruptions of a valid screen must always be rejected, naming the corrupted item.
"""

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from screens import (
    BAM_PROTECTIVE,
    BAM_RISK,
    BAM_USE,
    DISPOSITIONS,
    DOMAINS,
    FLAGS,
    ITEM,
    ITEMS,
    ORDER,
    RULES,
    any_daily,
    error_items,
    is_urgent,
    levels,
    rules,
    valid_screens,
    value_strategy,
)

from scoring import ScreenInvalid, evaluate

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INSTRUMENT_KEYS = {
    "auditc": {"score", "band"},
    "taps1": {"tobacco", "drugs", "rx"},
    "phq9": {"score", "band"},
    "gad7": {"score", "band"},
    "pcptsd5": {"score", "band"},
    "cssrs": {"risk"},
    "bam": {"use", "risk", "protective"},
    "mspss": {"mean", "band"},
}
AT_LEAST_MODERATE = {"moderate", "high"}


# --- A reference reading of sections 3 and 4, straight from the answers ---------------------


def reference_scores(a: dict) -> dict:
    male = a["about.sex_at_birth"] == "male"
    auditc = sum(a.get(f"auditc.{i}", 0) for i in (1, 2, 3))
    exposed = a["pcptsd5.exposure"]
    ptsd = sum(a[f"pcptsd5.{i}"] for i in range(1, 6)) if exposed else 0
    if a.get("cssrs.4") or a.get("cssrs.5") or (a["cssrs.6"] and a.get("cssrs.6_recent")):
        cssrs = "high"
    elif a.get("cssrs.3") or a["cssrs.6"]:
        cssrs = "moderate"
    elif a["cssrs.1"] or a["cssrs.2"]:
        cssrs = "low"
    else:
        cssrs = "none"
    return {
        "auditc": auditc,
        "auditc_positive": auditc >= (4 if male else 3),
        "phq9": sum(a[f"phq9.{i}"] for i in range(1, 10)),
        "gad7": sum(a[f"gad7.{i}"] for i in range(1, 8)),
        "pcptsd5": ptsd,
        "cssrs": cssrs,
        "bam_use": sum(a[b] for b in BAM_USE),
        "bam_risk": sum(a[b] for b in BAM_RISK),
        "bam_protective": sum(a[b] for b in BAM_PROTECTIVE),
        "mspss_total": sum(a[f"mspss.{i}"] for i in range(1, 13)),
    }


def reference_levels(a: dict) -> dict:
    s = reference_scores(a)
    daily_alcohol = a.get("withdrawal.daily_alcohol") is True
    daily_sedatives = a["withdrawal.daily_sedatives"]
    symptoms = a.get("withdrawal.current_symptoms", "none")
    drugs = max(a["taps1.drugs"], a["taps1.rx"])

    if s["cssrs"] == "high" or a["safety.harm_others"] or symptoms == "severe":
        safety = "urgent"
    elif s["cssrs"] in ("low", "moderate") or a["phq9.9"] >= 1:
        safety = "elevated"
    else:
        safety = "none"

    alcohol_or_sedatives = daily_alcohol or daily_sedatives
    if (
        symptoms == "severe"
        or (a.get("withdrawal.history_complicated") and alcohol_or_sedatives)
        or (daily_alcohol and daily_sedatives)
        or (daily_alcohol and a["about.age_band"] == "65_plus")
        or a["medical.unstable"]
        or (a.get("about.pregnant") == "yes" and alcohol_or_sedatives)
    ):
        withdrawal = "high"
    elif any_daily(a) or symptoms == "mild":
        withdrawal = "moderate"
    else:
        withdrawal = "low"

    if s["auditc"] >= 8 or drugs >= 3:
        substance = "high"
    elif s["auditc_positive"] or drugs >= 1:
        substance = "moderate"
    else:
        substance = "low"

    if s["phq9"] >= 20 or s["gad7"] >= 15:
        mental = "high"
    elif s["phq9"] >= 10 or s["gad7"] >= 10 or s["pcptsd5"] >= 3 or a["mh.diagnosis"]:
        mental = "moderate"
    else:
        mental = "low"

    signs = sum(
        [
            s["bam_use"] >= 1,
            s["bam_risk"] >= 12,
            s["bam_protective"] <= 12,
            a["relapse.recent_return"] == "yes",
        ]
    )
    relapse = "high" if signs >= 3 else "moderate" if signs == 2 else "low"

    care = a["prior_care.most_intensive_12m"]
    if care in ("php", "residential", "inpatient") and a["prior_care.status"] in (
        "currently_in",
        "discharged_30d",
        "discharged_90d",
    ):
        prior = "recent_intensive"
    elif care != "none" or a["prior_care.episodes_lifetime"] != "0":
        prior = "some"
    else:
        prior = "none"

    mean = s["mspss_total"] / 12
    if not a["home.safe"] or a["home.housing"] == "none":
        home = "unsafe"
    elif mean < 3.0 or a["home.housing"] == "unstable" or a["home.others_using"] == "yes":
        home = "low"
    elif mean <= 5.0:
        home = "moderate"
    else:
        home = "high"

    if a["practical.attend_hours"] == "no" or a["practical.transport"] == "no":
        practical = "barrier"
    elif a["practical.attend_hours"] == "maybe" or a["practical.transport"] == "unsure":
        practical = "uncertain"
    else:
        practical = "ok"

    both = substance in AT_LEAST_MODERATE and mental in AT_LEAST_MODERATE
    return {
        "safety": safety,
        "withdrawal_medical": withdrawal,
        "substance_use": substance,
        "mental_health": mental,
        "dual_diagnosis": "present" if both else "absent",
        "relapse_risk": relapse,
        "prior_care": prior,
        "home_support": home,
        "practical": practical,
    }


# --- A reference reading of sections 5 and 6, from the domain levels ------------------------


def reference_suggestion(lv: dict, a: dict) -> tuple[str, set]:
    """(disposition, rule ids that fire) by section 5."""
    need = lv["substance_use"] in AT_LEAST_MODERATE or lv["mental_health"] in AT_LEAST_MODERATE
    indicators = {
        "step_down": lv["prior_care"] == "recent_intensive",
        "co_occurring": lv["dual_diagnosis"] == "present",
        "relapse_risk": lv["relapse_risk"] in AT_LEAST_MODERATE,
        "step_up": a["prior_care.outpatient_not_enough"] == "yes",
        "repeated_treatment": a["prior_care.episodes_lifetime"] in ("2_3", "4_plus"),
        "severe_symptoms": "high" in (lv["substance_use"], lv["mental_health"]),
    }
    h_rules = {
        "H1": lv["withdrawal_medical"] == "high",
        "H2": lv["home_support"] == "unsafe" and need,
        "H3": a["prior_care.most_intensive_12m"] in ("iop", "php")
        and a.get("prior_care.status") in ("currently_in", "discharged_30d", "discharged_90d")
        and lv["relapse_risk"] == "high",
        "H4": lv["mental_health"] == "high" and lv["home_support"] in ("unsafe", "low"),
    }
    fired = {r for r, on in {**indicators, **h_rules}.items() if on}
    others = any(on for r, on in indicators.items() if r != "step_down")
    indicated = indicators["step_down"] or (need and others)
    barriers = {
        "home_support_low": lv["home_support"] == "low",
        "home_support_unsafe": lv["home_support"] == "unsafe",
        "practical_barrier": lv["practical"] == "barrier",
    }
    if lv["safety"] == "urgent":
        return "urgent", fired | {"urgent"}
    if any(h_rules.values()):
        return "higher_level", fired
    if indicated and not any(barriers.values()):
        return "iop", fired
    if indicated:
        return "iop_with_supports", fired | {b for b, on in barriers.items() if on}
    return "outpatient", fired | {"outpatient"}


def reference_flags(lv: dict, a: dict, respondent: str) -> list[str]:
    substances = set(a.get("drugs.substances", []))
    pregnancy = a.get("about.pregnant") == "yes" and (
        lv["substance_use"] in AT_LEAST_MODERATE or any_daily(a)
    )
    on = {
        "crisis_resources": lv["safety"] in ("elevated", "urgent"),
        "same_day_contact": lv["safety"] == "urgent" or lv["withdrawal_medical"] == "high" or pregnancy,
        "pregnancy_priority": pregnancy,
        "opioid_treatment_info": a.get("withdrawal.daily_opioids") is True
        or bool(substances & {"heroin_fentanyl", "prescription_opioids"}),
        "overdose_risk": a.get("safety.overdose_90d") is True,
        "withdrawal_caution": lv["withdrawal_medical"] == "moderate",
        "collateral_report": respondent == "loved_one",
        "adolescent": a["about.age_band"] == "under_18",
    }
    return sorted(f for f, v in on.items() if v)


# --- Valid screens --------------------------------------------------------------------------


@SETTINGS
@given(valid_screens())
def test_every_valid_screen_evaluates_to_a_result_of_the_right_shape(screen):
    result = evaluate(copy.deepcopy(screen))
    assert result["disposition"] in DISPOSITIONS
    assert set(result["domains"]) == set(DOMAINS)
    for name, domain in result["domains"].items():
        assert domain["level"] in DOMAINS[name], name
    for name, keys in INSTRUMENT_KEYS.items():
        assert keys <= set(result["instruments"][name]), name
    flags = result["flags"]
    assert isinstance(flags, list)
    assert flags == sorted(set(flags))
    assert set(flags) <= set(FLAGS)
    assert result["reasons"], "a suggestion always says why"
    for reason in result["reasons"]:
        assert reason["rule"] in RULES
        assert isinstance(reason["text"], str) and reason["text"].strip()
    assert isinstance(result["rules_version"], str) and result["rules_version"].strip()


@SETTINGS
@given(valid_screens())
def test_evaluation_does_not_change_the_screen_and_is_repeatable(screen):
    before = copy.deepcopy(screen)
    first = evaluate(screen)
    assert screen == before
    second = evaluate(copy.deepcopy(screen))
    assert first["disposition"] == second["disposition"]
    assert levels(first) == levels(second)
    assert first["flags"] == second["flags"]
    assert rules(first) == rules(second)


@SETTINGS
@given(valid_screens())
def test_scores_follow_section_3(screen):
    a = screen["answers"]
    got = evaluate(screen)["instruments"]
    ref = reference_scores(a)
    assert got["auditc"]["score"] == ref["auditc"]
    assert (got["auditc"]["band"] != "negative") == ref["auditc_positive"]
    assert (got["taps1"]["tobacco"], got["taps1"]["drugs"], got["taps1"]["rx"]) == (
        a["taps1.tobacco"],
        a["taps1.drugs"],
        a["taps1.rx"],
    )
    assert got["phq9"]["score"] == ref["phq9"]
    assert got["gad7"]["score"] == ref["gad7"]
    assert got["pcptsd5"]["score"] == ref["pcptsd5"]
    assert got["pcptsd5"]["band"] == ("positive" if ref["pcptsd5"] >= 3 else "negative")
    assert got["cssrs"]["risk"] == ref["cssrs"]
    assert (got["bam"]["use"], got["bam"]["risk"], got["bam"]["protective"]) == (
        ref["bam_use"],
        ref["bam_risk"],
        ref["bam_protective"],
    )
    assert got["mspss"]["mean"] == pytest.approx(round(ref["mspss_total"] / 12, 2), abs=1e-9)


@SETTINGS
@given(valid_screens())
def test_domain_levels_follow_section_4(screen):
    assert levels(evaluate(screen)) == reference_levels(screen["answers"])


@SETTINGS
@given(valid_screens())
def test_suggestion_and_reasons_follow_section_5_from_the_reported_levels(screen):
    result = evaluate(screen)
    disposition, fired = reference_suggestion(levels(result), screen["answers"])
    assert result["disposition"] == disposition
    if disposition == "urgent":
        assert "urgent" in rules(result)
    else:
        assert rules(result) == fired


@SETTINGS
@given(valid_screens())
def test_flags_follow_section_6_from_the_reported_levels(screen):
    result = evaluate(screen)
    expected = reference_flags(levels(result), screen["answers"], screen["respondent"])
    assert result["flags"] == expected


@SETTINGS
@given(valid_screens())
def test_the_respondent_changes_only_the_collateral_flag(screen):
    as_self = evaluate(dict(screen, respondent="self"))
    as_loved_one = evaluate(dict(screen, respondent="loved_one"))
    assert as_self["disposition"] == as_loved_one["disposition"]
    assert levels(as_self) == levels(as_loved_one)
    assert rules(as_self) == rules(as_loved_one)
    assert sorted(set(as_self["flags"]) | {"collateral_report"}) == as_loved_one["flags"]


@SETTINGS
@given(valid_screens(), st.data())
def test_a_screen_stopped_after_harm_to_others_is_urgent(screen, data):
    answers = dict(screen["answers"], **{"safety.harm_others": True})
    start = ORDER.index("safety.harm_others")
    cut = data.draw(st.integers(start, len(ORDER) - 1), label="stop after")
    kept = {k: v for k, v in answers.items() if ORDER.index(k) <= cut}
    result = evaluate({"respondent": screen["respondent"], "answers": kept})
    assert result["disposition"] == "urgent"
    assert result["domains"]["safety"]["level"] == "urgent"
    assert "urgent" in rules(result)
    assert "crisis_resources" in result["flags"]


# --- Corruptions ----------------------------------------------------------------------------

NEAR_MISS_IDS = [
    "bam.7",
    "bam.0",
    "bam.18",
    "phq9.0",
    "phq9.10",
    "gad7.8",
    "auditc.4",
    "pcptsd5.6",
    "cssrs.7",
    "cssrs.3_recent",
    "mspss.13",
    "taps1.alcohol",
    "withdrawal.daily_cannabis",
    "about.gender",
    "Phq9.1",
    "phq9_1",
    " phq9.1",
    "readiness",
]


def unknown_ids() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(NEAR_MISS_IDS), st.text(min_size=1, max_size=24)).filter(
        lambda k: k not in ITEM
    )


def out_of_range_values(item) -> st.SearchStrategy:
    if item.kind == "int":
        lo, hi = min(item.values), max(item.values)
        bad = [lo - 1, hi + 1, hi + 10, -100]
        if item.id == "bam.14":
            bad += [1, 2, 3]
        return st.sampled_from(bad)
    if item.kind == "choice":
        return st.sampled_from(["", "bogus", "unknown code", "YES!", "2"]).filter(
            lambda v: v not in item.values
        )
    if item.kind == "multi":
        return st.sampled_from([["alcohol"], ["cannabis", "tobacco"], ["bogus"], [""]])
    return wrong_type_values(item)


def wrong_type_values(item) -> st.SearchStrategy:
    if item.kind == "bool":
        return st.sampled_from([1, 0, "yes", "true", "no", None, [True]])
    if item.kind == "int":
        return st.sampled_from([True, False, "1", "0", 1.5, None, [1]])
    if item.kind == "choice":
        return st.sampled_from([1, 0, True, None, [item.values[0]]])
    return st.sampled_from(["cannabis", None, 1, True, [1], [None]])


def present_item(screen, data):
    item_id = data.draw(st.sampled_from(sorted(screen["answers"], key=ORDER.index)), label="item")
    return ITEM[item_id]


def rejected_naming(screen: dict, item_id: str) -> None:
    with pytest.raises(ScreenInvalid) as info:
        evaluate(screen)
    assert item_id in error_items(info.value)
    for error in info.value.errors:
        assert isinstance(error["message"], str) and error["message"].strip()


@SETTINGS
@given(valid_screens(), unknown_ids(), st.integers(0, 4))
def test_an_unknown_id_is_always_rejected(screen, item_id, value):
    screen["answers"][item_id] = value
    rejected_naming(screen, item_id)


@SETTINGS
@given(valid_screens(), st.data())
def test_a_value_out_of_range_is_always_rejected(screen, data):
    item = present_item(screen, data)
    screen["answers"][item.id] = data.draw(out_of_range_values(item), label="value")
    rejected_naming(screen, item.id)


@SETTINGS
@given(valid_screens(), st.data())
def test_a_value_of_the_wrong_type_is_always_rejected(screen, data):
    item = present_item(screen, data)
    screen["answers"][item.id] = data.draw(wrong_type_values(item), label="value")
    rejected_naming(screen, item.id)


@SETTINGS
@given(valid_screens(), st.data())
def test_a_required_item_dropped_from_a_screen_that_is_not_urgent_is_always_rejected(screen, data):
    assume(not is_urgent(screen["answers"]))
    item = present_item(screen, data)
    del screen["answers"][item.id]
    rejected_naming(screen, item.id)


@SETTINGS
@given(valid_screens(), st.data())
def test_a_follow_up_that_should_be_absent_is_always_rejected(screen, data):
    absent = [
        item for item in ITEMS if item.id not in screen["answers"] and not item.asked(screen["answers"])
    ]
    assume(absent)
    item = ITEM[data.draw(st.sampled_from([i.id for i in absent]), label="item")]
    screen["answers"][item.id] = data.draw(value_strategy(item), label="value")
    rejected_naming(screen, item.id)
