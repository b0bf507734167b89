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

from scoring import ScreenInvalid, evaluate
from tests.support.spec_screens import (
    BAM_PROTECTIVE,
    BAM_RISK,
    BAM_USE,
    DISPOSITIONS,
    DOMAINS,
    FLAGS,
    INDICATORS,
    ITEM,
    ITEMS,
    MAY_NOT_KNOW,
    NOT_IOP,
    ORDER,
    RULES,
    UNKNOWN,
    any_daily,
    bam_asked,
    error_items,
    is_urgent,
    levels,
    required_ids,
    rules,
    valid_screens,
    value_strategy,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAFETY_ORDER = ("none", "elevated", "urgent")

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


def yes(a: dict, item_id: str) -> bool:
    """A yes, and only a yes: "unknown" and an item not asked are not."""
    return a.get(item_id) is True


def reference_scores(a: dict) -> dict:
    male = a["about.sex_at_birth"] == "male"
    auditc = sum(a.get(f"auditc.{i}", 0) for i in (1, 2, 3))
    ptsd = sum(yes(a, f"pcptsd5.{i}") for i in range(1, 6))
    if yes(a, "cssrs.4") or yes(a, "cssrs.5") or (yes(a, "cssrs.6") and yes(a, "cssrs.6_recent")):
        cssrs = "high"
    elif yes(a, "cssrs.3") or yes(a, "cssrs.6"):
        cssrs = "moderate"
    elif yes(a, "cssrs.1") or yes(a, "cssrs.2"):
        cssrs = "low"
    else:
        cssrs = "none"
    scores = {
        "auditc": auditc,
        "auditc_positive": auditc >= (4 if male else 3),
        "phq9": sum(a[f"phq9.{i}"] for i in range(1, 10)),
        "gad7": sum(a[f"gad7.{i}"] for i in range(1, 8)),
        "pcptsd5": ptsd,
        "cssrs": cssrs,
        "bam_asked": "bam.1" in a,
        "mspss_total": sum(a[f"mspss.{i}"] for i in range(1, 13)),
    }
    if scores["bam_asked"]:
        scores["bam_use"] = sum(a[b] for b in BAM_USE)
        scores["bam_risk"] = sum(a[b] for b in BAM_RISK)
        scores["bam_protective"] = sum(a[b] for b in BAM_PROTECTIVE)
    return scores


def reference_safety(a: dict, s: dict) -> str:
    if (
        s["cssrs"] == "high"
        or yes(a, "safety.harm_others")
        or a.get("withdrawal.current_symptoms") == "severe"
    ):
        return "urgent"
    unknown = any(a[i] == UNKNOWN for i in ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"))
    if s["cssrs"] in ("low", "moderate") or a["phq9.9"] >= 1 or unknown:
        return "elevated"
    return "none"


def reference_withdrawal(a: dict) -> str:
    alcohol, sedatives = yes(a, "withdrawal.daily_alcohol"), yes(a, "withdrawal.daily_sedatives")
    symptoms = a.get("withdrawal.current_symptoms", "none")
    if (
        symptoms == "severe"
        or (yes(a, "withdrawal.history_complicated") and (alcohol or sedatives))
        or (alcohol and sedatives)
        or (alcohol and a["about.age_band"] == "65_plus" and a.get("auditc.2", 0) >= 1)
        or yes(a, "medical.unstable")
        or (a.get("about.pregnant") == "yes" and alcohol)
    ):
        return "high"
    if any_daily(a) or symptoms == "mild":
        return "moderate"
    return "low"


def reference_substance_use(a: dict, s: dict) -> str:
    drugs, rx = a["taps1.drugs"], a["taps1.rx"]
    substances = a.get("drugs.substances", [])
    used_lately = substances != ["none_3m"]
    not_cannabis = [x for x in substances if x != "cannabis"]
    if s["auditc"] >= 8 or (used_lately and (drugs == 4 or rx >= 3 or (drugs == 3 and not_cannabis))):
        return "high"
    if s["auditc_positive"] or max(drugs, rx) >= 2 or (max(drugs, rx) == 1 and yes(a, "recovery.history")):
        return "moderate"
    return "low"


def reference_mental_health(a: dict, s: dict) -> str:
    if s["phq9"] >= 20 or s["gad7"] >= 15:
        return "high"
    symptoms_now = s["phq9"] >= 5 or s["gad7"] >= 5
    if s["phq9"] >= 10 or s["gad7"] >= 10 or s["pcptsd5"] >= 3 or (yes(a, "mh.diagnosis") and symptoms_now):
        return "moderate"
    return "low"


def reference_relapse(a: dict, s: dict, substance: str) -> str:
    if not s["bam_asked"] or (substance == "low" and not yes(a, "recovery.history")):
        return "not_applicable"
    use = s["bam_use"] >= 1
    returned = a["relapse.recent_return"] == "yes"
    signs = sum([use, s["bam_risk"] >= 12, s["bam_protective"] <= 12, returned])
    if signs >= 3:
        return "high"
    if signs == 2 and (use or returned or a["bam.8"] >= 2):
        return "moderate"
    return "low"


def reference_prior_care(a: dict) -> str:
    care = a["prior_care.most_intensive_12m"]
    if care in ("php", "residential", "inpatient") and a["prior_care.status"] in (
        "currently_in",
        "discharged_30d",
        "discharged_90d",
    ):
        return "recent_intensive"
    if care != "none" or a["prior_care.episodes_lifetime"] != "0":
        return "some"
    return "none"


def reference_home(a: dict, s: dict) -> str:
    mean = s["mspss_total"] / 12
    if not a["home.safe"] or a["home.housing"] == "none":
        return "unsafe"
    if mean < 3.0 or a["home.housing"] == "unstable" or a["home.others_using"] == "yes":
        return "low"
    if mean <= 5.0:
        return "moderate"
    return "high"


def reference_practical(a: dict) -> str:
    if a["practical.attend_hours"] == "no" or a["practical.transport"] == "no":
        return "barrier"
    if a["practical.attend_hours"] == "maybe" or a["practical.transport"] == "unsure":
        return "uncertain"
    return "ok"


def reference_levels(a: dict) -> dict:
    s = reference_scores(a)
    substance = reference_substance_use(a, s)
    mental = reference_mental_health(a, s)
    both = substance in AT_LEAST_MODERATE and mental in AT_LEAST_MODERATE
    return {
        "safety": reference_safety(a, s),
        "withdrawal_medical": reference_withdrawal(a),
        "substance_use": substance,
        "mental_health": mental,
        "dual_diagnosis": "present" if both else "absent",
        "relapse_risk": reference_relapse(a, s, substance),
        "prior_care": reference_prior_care(a),
        "home_support": reference_home(a, s),
        "practical": reference_practical(a),
    }


# --- A reference reading of sections 5 and 6, from the domain levels ------------------------


def reference_indicators(lv: dict, a: dict) -> dict:
    return {
        "step_down": lv["prior_care"] == "recent_intensive",
        "co_occurring": lv["dual_diagnosis"] == "present",
        "relapse_risk": lv["relapse_risk"] in AT_LEAST_MODERATE,
        "step_up": a["prior_care.outpatient_not_enough"] == "yes",
        "repeated_treatment": a["prior_care.episodes_lifetime"] in ("2_3", "4_plus"),
        "severe_symptoms": "high" in (lv["substance_use"], lv["mental_health"]),
        "recent_overdose": yes(a, "safety.overdose_90d"),
    }


def reference_suggestion(lv: dict, a: dict) -> tuple[str, set]:
    """(disposition, rule ids that fire) by section 5."""
    need = lv["substance_use"] in AT_LEAST_MODERATE or lv["mental_health"] in AT_LEAST_MODERATE
    indicators = reference_indicators(lv, a)
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
    opioids = yes(a, "withdrawal.daily_opioids") or bool(
        substances & {"heroin_fentanyl", "prescription_opioids"}
    )
    pregnancy = a.get("about.pregnant") == "yes" and (
        lv["substance_use"] in AT_LEAST_MODERATE or any_daily(a)
    )
    unknown_safety = any(a[i] == UNKNOWN for i in ("cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others"))
    on = {
        "crisis_resources": lv["safety"] in ("elevated", "urgent"),
        "same_day_contact": lv["safety"] == "urgent"
        or lv["withdrawal_medical"] == "high"
        or pregnancy
        or yes(a, "cssrs.3")
        or yes(a, "safety.overdose_90d"),
        "pregnancy_priority": pregnancy,
        "opioid_treatment_info": opioids,
        "overdose_risk": a.get("safety.overdose_90d") in (True, UNKNOWN)
        or opioids
        or yes(a, "withdrawal.moud"),
        "moud_continuity": yes(a, "withdrawal.moud"),
        "home_safety": a["home.safe"] is False,
        "housing_need": a["home.housing"] in ("unstable", "none"),
        "ask_directly": respondent == "loved_one" and unknown_safety,
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
    # The BAM is left out exactly when it was not asked.
    assert ("bam" in result["instruments"]) is bam_asked(screen["answers"])
    for name, keys in INSTRUMENT_KEYS.items():
        if name in result["instruments"]:
            assert keys <= set(result["instruments"][name]), name
    assert set(INSTRUMENT_KEYS) - {"bam"} <= set(result["instruments"])
    assert result["partial"] is False
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
    if ref["bam_asked"]:
        assert (got["bam"]["use"], got["bam"]["risk"], got["bam"]["protective"]) == (
            ref["bam_use"],
            ref["bam_risk"],
            ref["bam_protective"],
        )
    else:
        assert "bam" not in got
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
def test_iop_indicators_under_another_suggestion_are_only_also_noted(screen):
    result = evaluate(screen)
    for reason in result["reasons"]:
        noted = result["disposition"] in NOT_IOP and reason["rule"] in INDICATORS
        assert bool(reason.get("also_noted")) is noted, (result["disposition"], reason)
        assert reason["text"].startswith("Also noted") is noted, reason["text"]
        if noted:
            assert "IOP" not in reason["text"], reason["text"]


@SETTINGS
@given(valid_screens())
def test_flags_follow_section_6_from_the_reported_levels(screen):
    result = evaluate(screen)
    expected = reference_flags(levels(result), screen["answers"], screen["respondent"])
    assert result["flags"] == expected


@SETTINGS
@given(valid_screens(respondent="self"))
def test_the_respondent_changes_only_the_collateral_flag(screen):
    as_self = evaluate(dict(screen, respondent="self"))
    as_loved_one = evaluate(dict(screen, respondent="loved_one"))
    assert as_self["disposition"] == as_loved_one["disposition"]
    assert levels(as_self) == levels(as_loved_one)
    assert rules(as_self) == rules(as_loved_one)
    assert sorted(set(as_self["flags"]) | {"collateral_report"}) == as_loved_one["flags"]


@SETTINGS
@given(valid_screens(respondent="loved_one"))
def test_a_family_members_unknown_is_never_a_yes_and_never_a_reassuring_no(screen):
    # The same screen with every "unknown" read as "no" is valid (no follow-up hung on it) and
    # differs only in safety (never higher) and in flags (never more).
    a = screen["answers"]
    assume(UNKNOWN in a.values())
    as_no = dict(screen, answers={k: False if v == UNKNOWN else v for k, v in a.items()})
    assert required_ids(as_no["answers"]) == set(a)
    with_unknown, with_no = evaluate(screen), evaluate(as_no)
    assert SAFETY_ORDER.index(levels(with_unknown)["safety"]) >= SAFETY_ORDER.index(levels(with_no)["safety"])
    assert {k: v for k, v in levels(with_unknown).items() if k != "safety"} == {
        k: v for k, v in levels(with_no).items() if k != "safety"
    }
    assert with_unknown["disposition"] == with_no["disposition"]
    assert rules(with_unknown) == rules(with_no)
    assert set(with_no["flags"]) <= set(with_unknown["flags"])


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
    assert "harm_others" in result["domains"]["safety"]["triggers"]
    assert result["partial"] is bool(required_ids(kept) - set(kept))


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
        return st.sampled_from(
            [
                ["alcohol"],
                ["cannabis", "tobacco"],
                ["bogus"],
                [""],
                [],
                ["none_3m", "cannabis"],
                ["cocaine", "none_3m"],
            ]
        )
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
@given(valid_screens(respondent="self"), st.data())
def test_unknown_from_the_person_themselves_is_always_rejected(screen, data):
    present = sorted(set(MAY_NOT_KNOW) & set(screen["answers"]))
    item_id = data.draw(st.sampled_from(present), label="item")
    screen["answers"][item_id] = UNKNOWN
    rejected_naming(screen, item_id)


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
    screen["answers"][item.id] = data.draw(value_strategy(item, screen["respondent"]), label="value")
    rejected_naming(screen, item.id)
