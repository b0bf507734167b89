"""The questionnaire files (questionnaires/*.yaml) and their loader (scoring/questionnaire.py).

A broken file must stop the app at start-up with a message that names the file, the item and
the problem; the files themselves must carry the published wording and a loved-one wording.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from scoring import evaluate
from scoring.contract import CANONICAL
from scoring.questionnaire import Questionnaire, QuestionnaireError, load_questionnaire

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE_DIR = ROOT / "questionnaires"

# Spec section 1: the validated instruments, by the id prefix their items carry.
INSTRUMENTS = {"auditc", "taps1", "phq9", "gad7", "pcptsd5", "cssrs", "bam", "mspss", "readiness"}

Data = dict


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRE_DIR, target)
    return target


def edit(directory: Path, file_name: str, change: Callable[[Data], object]) -> None:
    path = directory / file_name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def item(data: Data, item_id: str) -> dict:
    return next(entry for entry in data["items"] if entry["id"] == item_id)


def refused(directory: Path) -> str:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(directory)
    return str(info.value)


def raw_sections() -> dict[str, Data]:
    return {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(QUESTIONNAIRE_DIR.glob("*.yaml"))
    }


# --- the copy loads as it is: every refusal below comes from the one change ---------------------


def test_an_unchanged_copy_loads_with_every_spec_item(copy):
    questionnaire = load_questionnaire(copy)
    assert set(questionnaire.items) == set(CANONICAL)
    assert questionnaire.version == load_questionnaire().version


def test_a_rewritten_but_equivalent_file_still_loads(copy):
    # The edit helper itself (load + dump) must not break a file, or the tests below prove nothing.
    edit(copy, "mood.yaml", lambda data: None)
    edit(copy, "about.yaml", lambda data: None)
    assert set(load_questionnaire(copy).items) == set(CANONICAL)


# --- broken files are refused with file, item and problem ---------------------------------------


def test_unknown_item_type(copy):
    edit(copy, "mood.yaml", lambda d: item(d, "phq9.3").update(type="slider"))
    message = refused(copy)
    assert "mood.yaml" in message
    assert "phq9.3" in message
    assert "slider" in message
    assert "type" in message


def test_duplicate_id_across_two_files(copy):
    original = item(yaml.safe_load((QUESTIONNAIRE_DIR / "mood.yaml").read_text(encoding="utf-8")), "phq9.1")
    edit(copy, "anxiety.yaml", lambda d: d["items"].append(dict(original)))
    message = refused(copy)
    assert "anxiety.yaml" in message
    assert "phq9.1" in message
    assert "duplicate" in message.lower()
    assert "mood" in message  # where the first one is


def test_duplicate_id_within_one_file(copy):
    edit(copy, "mood.yaml", lambda d: d["items"].append(dict(item(d, "phq9.2"))))
    message = refused(copy)
    assert "mood.yaml" in message
    assert "phq9.2" in message
    assert "duplicate" in message.lower()


def test_condition_naming_an_unknown_item(copy):
    edit(
        copy,
        "alcohol.yaml",
        lambda d: item(d, "auditc.2").update(
            asked_if={"any": [{"item": "auditc.99", "op": ">", "value": 0}]}
        ),
    )
    message = refused(copy)
    assert "alcohol.yaml" in message
    assert "auditc.2" in message
    assert "auditc.99" in message
    assert "condition" in message


@pytest.mark.parametrize(
    ("file_name", "item_id", "later"),
    [
        ("alcohol.yaml", "auditc.2", "auditc.3"),  # later in the same file
        ("about.yaml", "about.pregnant", "phq9.1"),  # in a later file
    ],
)
def test_condition_naming_a_later_item(copy, file_name, item_id, later):
    edit(
        copy,
        file_name,
        lambda d: item(d, item_id).update(asked_if={"any": [{"item": later, "op": ">", "value": 0}]}),
    )
    message = refused(copy)
    assert file_name in message
    assert item_id in message
    assert later in message
    assert "earlier" in message


def test_condition_with_an_unknown_operator(copy):
    edit(
        copy,
        "alcohol.yaml",
        lambda d: item(d, "auditc.3").update(
            asked_if={"any": [{"item": "auditc.1", "op": "=>", "value": 0}]}
        ),
    )
    message = refused(copy)
    assert "alcohol.yaml" in message
    assert "auditc.3" in message
    assert "op:" in message  # the field at fault ("asked_if.any.0.op: Input should be ...")


def own_options(data: Data, item_id: str) -> list[dict]:
    """The item's options as a list of its own: the PHQ-9 and GAD-7 items share one list (a YAML
    anchor), and a test that breaks one item must not break them all."""
    entry = item(data, item_id)
    entry["options"] = [dict(option) for option in entry["options"]]
    return entry["options"]


def test_phq9_item_with_a_fourth_option_value(copy):
    edit(
        copy,
        "mood.yaml",
        lambda d: own_options(d, "phq9.3").append({"value": 4, "label": "Every single day"}),
    )
    message = refused(copy)
    assert "mood.yaml" in message
    assert "phq9.3" in message
    assert "option values" in message
    assert "spec" in message


def test_a_changed_choice_code(copy):
    def change(d: Data) -> None:
        option = next(o for o in item(d, "home.housing")["options"] if o["value"] == "none")
        option["value"] = "homeless"

    edit(copy, "home.yaml", change)
    message = refused(copy)
    assert "home.yaml" in message
    assert "home.housing" in message
    assert "homeless" in message
    assert "spec" in message


def test_a_changed_score(copy):
    def change(d: Data) -> None:
        option = next(o for o in item(d, "auditc.2")["options"] if o["value"] == 4)
        option["value"] = 5

    edit(copy, "alcohol.yaml", change)
    message = refused(copy)
    assert "alcohol.yaml" in message
    assert "auditc.2" in message
    assert "option values" in message


def test_an_option_value_listed_twice(copy):
    edit(copy, "anxiety.yaml", lambda d: own_options(d, "gad7.4")[1].update(value=0))
    message = refused(copy)
    assert "anxiety.yaml" in message
    assert "gad7.4" in message
    assert "twice" in message


def test_an_item_of_the_wrong_type(copy):
    def change(d: Data) -> None:
        entry = item(d, "mh.diagnosis")
        entry.update(
            type="single_choice", options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
        )

    edit(copy, "mood.yaml", change)
    message = refused(copy)
    assert "mood.yaml" in message
    assert "mh.diagnosis" in message
    assert "type" in message


def test_an_item_the_spec_does_not_know(copy):
    def change(d: Data) -> None:
        extra = dict(item(d, "phq9.9"))
        extra["id"] = "phq9.10"
        d["items"].append(extra)

    edit(copy, "mood.yaml", change)
    message = refused(copy)
    assert "mood.yaml" in message
    assert "phq9.10" in message
    assert "spec" in message


def test_a_missing_spec_item(copy):
    edit(copy, "mood.yaml", lambda d: d["items"].remove(item(d, "mh.diagnosis")))
    message = refused(copy)
    # The item is in no file, so the message names the folder that was searched.
    assert copy.name in message
    assert "mh.diagnosis" in message
    assert "missing" in message


def test_invalid_yaml(copy):
    path = copy / "mood.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  - id: phq9.3")) + 1
    assert lines[at] == "    type: scale\n"
    lines[at] = "   type: scale\n"  # one space short: no longer part of the item
    path.write_text("".join(lines), encoding="utf-8")
    message = refused(copy)
    assert "mood.yaml" in message
    assert "YAML" in message
    # A YAML error cannot know the item id; it points at the broken line instead (1-based).
    assert re.search(rf"line {at + 1}\b", message), message


def test_a_file_that_is_not_a_mapping(copy):
    (copy / "mood.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    message = refused(copy)
    assert "mood.yaml" in message
    assert "mapping" in message


@pytest.mark.parametrize(
    ("typo", "field"), [("text_loved_on", "text_loved_one"), ("instrumnet", "instrument")]
)
def test_a_misspelt_key(copy, typo, field):
    def change(d: Data) -> None:
        entry = item(d, "phq9.3")
        entry[typo] = entry.pop(field)

    edit(copy, "mood.yaml", change)
    message = refused(copy)
    assert "mood.yaml" in message
    assert "phq9.3" in message
    assert typo in message
    assert "Extra inputs" in message or "not permitted" in message


def test_an_empty_loved_one_text(copy):
    edit(copy, "safety.yaml", lambda d: item(d, "cssrs.2").update(text_loved_one=""))
    message = refused(copy)
    assert "safety.yaml" in message
    assert "cssrs.2" in message
    assert "text_loved_one" in message


def test_a_section_without_a_version(copy):
    edit(copy, "trauma.yaml", lambda d: d.pop("version"))
    message = refused(copy)
    assert "trauma.yaml" in message
    assert "version" in message


def test_two_files_with_the_same_order(copy):
    edit(copy, "anxiety.yaml", lambda d: d.update(order=5))  # mood.yaml is 5
    message = refused(copy)
    assert "anxiety.yaml" in message or "mood.yaml" in message
    assert "order" in message


# --- the real files --------------------------------------------------------------------------


def test_every_item_has_text_and_a_loved_one_text():
    for item_id, entry in load_questionnaire().items.items():
        assert entry.text.strip(), item_id
        assert entry.text_loved_one.strip(), item_id


def test_own_questions_have_a_distinct_third_person_wording():
    # An item that is not a published instrument stem is phrased to "you"; its loved-one
    # version must actually be reworded ("they"), not copied.
    for item_id, entry in load_questionnaire().items.items():
        if re.search(r"\byou\b|\byour\b", entry.text, re.IGNORECASE):
            assert entry.text_loved_one != entry.text, item_id


def test_every_section_has_a_version_and_a_title_for_both_respondents():
    for file_name, data in raw_sections().items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", str(data.get("version", ""))), file_name
        assert str(data.get("title", "")).strip(), file_name
        assert str(data.get("title_loved_one", "")).strip(), file_name


def test_instrument_items_name_their_instrument_and_own_questions_do_not():
    for item_id, entry in load_questionnaire().items.items():
        prefix = item_id.split(".")[0]
        if prefix in INSTRUMENTS:
            assert entry.instrument == prefix, item_id
        else:
            assert entry.instrument is None, item_id


def options(questionnaire: Questionnaire, item_id: str) -> list[tuple[object, str]]:
    return [(o.value, o.label) for o in questionnaire.items[item_id].options]


def test_gad7_lowest_answer_is_exactly_not_at_all():
    questionnaire = load_questionnaire()
    for n in range(1, 8):
        entry = questionnaire.items[f"gad7.{n}"]
        lowest = min(entry.options, key=lambda o: o.value)
        assert lowest.value == 0
        assert lowest.label == "Not at all", entry.id
        assert lowest.label_loved_one in (None, "Not at all"), entry.id


FREQUENCY = [(0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")]


@pytest.mark.parametrize("item_id", [f"phq9.{n}" for n in range(1, 10)] + [f"gad7.{n}" for n in range(1, 8)])
def test_phq9_and_gad7_options_are_the_published_labels_and_scores(item_id):
    assert options(load_questionnaire(), item_id) == FREQUENCY


def test_auditc_1_options_are_the_published_labels_and_scores():
    assert options(load_questionnaire(), "auditc.1") == [
        (0, "Never"),
        (1, "Monthly or less"),
        (2, "2-4 times a month"),
        (3, "2-3 times a week"),
        (4, "4 or more times a week"),
    ]


def test_auditc_2_and_3_options_are_the_published_labels_and_scores():
    questionnaire = load_questionnaire()
    assert options(questionnaire, "auditc.2") == [
        (0, "1 or 2"),
        (1, "3 or 4"),
        (2, "5 or 6"),
        (3, "7 to 9"),
        (4, "10 or more"),
    ]
    assert options(questionnaire, "auditc.3") == [
        (0, "Never"),
        (1, "Less than monthly"),
        (2, "Monthly"),
        (3, "Weekly"),
        (4, "Daily or almost daily"),
    ]


def test_bam_14_is_yes_scored_4_and_no_scored_0():
    labels = {value: label for value, label in options(load_questionnaire(), "bam.14")}
    assert labels == {4: "Yes", 0: "No"}


def test_bam_14_shows_no_before_yes_as_published():
    # Revision 2, section 9 item 8.
    assert options(load_questionnaire(), "bam.14") == [(0, "No"), (4, "Yes")]


def test_cssrs_2_and_3_are_worded_exactly_as_published():
    # Revision 2, section 9 item 8: the screener's wording, item 3 with its clarifying example.
    items = load_questionnaire().items
    assert items["cssrs.2"].text == "Have you actually had any thoughts of killing yourself?"
    assert items["cssrs.3"].text == "Have you been thinking about how you might do this?"
    assert "I thought about taking an overdose" in (items["cssrs.3"].help or "")


def test_i_dont_know_is_offered_on_exactly_the_five_items_a_family_member_may_not_know():
    offered = {
        item_id
        for item_id, entry in load_questionnaire().items.items()
        if getattr(entry, "unknown_label", None)
    }
    assert offered == {"cssrs.1", "cssrs.2", "cssrs.6", "safety.harm_others", "safety.overdose_90d"}
    for item_id in offered:
        assert load_questionnaire().items[item_id].unknown_label == "I don't know"


def test_none_in_the_past_3_months_is_the_only_option_that_stands_alone():
    exclusive = [
        (item_id, option.value)
        for item_id, entry in load_questionnaire().items.items()
        for option in getattr(entry, "options", ())
        if getattr(option, "exclusive", False)
    ]
    assert exclusive == [("drugs.substances", "none_3m")]


def test_taps1_rx_says_medicine_taken_as_prescribed_does_not_count():
    entry = load_questionnaire().items["taps1.rx"]
    for help_text in (entry.help, entry.help_loved_one):
        assert "does not count" in help_text
        assert "methadone or buprenorphine" in help_text


def test_daily_opioids_says_prescribed_methadone_or_buprenorphine_does_not_count():
    entry = load_questionnaire().items["withdrawal.daily_opioids"]
    for help_text in (entry.help, entry.help_loved_one):
        assert "methadone or buprenorphine" in help_text
        assert "not count" in help_text


def test_the_questionnaire_follows_the_spec_conditions():
    """The "asked if" column of spec section 2, checked on the loaded conditions."""
    q = load_questionnaire()
    calm = {"auditc.1": 0, "taps1.drugs": 0, "taps1.rx": 0, "withdrawal.daily_sedatives": False}
    assert not q.is_asked("auditc.2", calm)
    assert q.is_asked("auditc.2", {**calm, "auditc.1": 1})
    assert not q.is_asked("withdrawal.daily_alcohol", {**calm, "auditc.1": 2})
    assert q.is_asked("withdrawal.daily_alcohol", {**calm, "auditc.1": 3})
    assert not q.is_asked("drugs.substances", calm)
    assert q.is_asked("drugs.substances", {**calm, "taps1.rx": 1})
    assert not q.is_asked("safety.overdose_90d", calm)
    assert q.is_asked("safety.overdose_90d", {**calm, "withdrawal.daily_sedatives": True})
    assert not q.is_asked("about.pregnant", {"about.sex_at_birth": "male"})
    assert q.is_asked("about.pregnant", {"about.sex_at_birth": "intersex"})
    assert not q.is_asked("prior_care.status", {"prior_care.most_intensive_12m": "none"})
    assert q.is_asked("prior_care.completed", {"prior_care.most_intensive_12m": "outpatient"})


NEVER_USED = {
    "auditc.1": 0,
    "taps1.drugs": 0,
    "taps1.rx": 0,
    "recovery.history": False,
    "withdrawal.daily_sedatives": False,
}


@pytest.mark.parametrize(
    ("change", "asked"),
    [
        ({}, False),
        ({"auditc.1": 1}, True),
        ({"taps1.drugs": 1}, True),
        ({"taps1.rx": 1}, True),
        ({"recovery.history": True}, True),
        ({"withdrawal.daily_sedatives": True}, False),
    ],
    ids=["never used", "drinks", "uses drugs", "misuses rx", "had a problem", "daily sedatives only"],
)
def test_the_relapse_section_is_asked_only_of_someone_who_drinks_uses_or_had_a_problem(change, asked):
    q = load_questionnaire()
    for item_id in [f"bam.{n}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)] + [
        "relapse.recent_return"
    ]:
        assert q.is_asked(item_id, {**NEVER_USED, **change}) is asked, item_id


@pytest.mark.parametrize(
    ("change", "asked"),
    [
        ({}, False),
        ({"auditc.1": 4}, False),
        ({"taps1.drugs": 1}, True),
        ({"taps1.rx": 1}, True),
        ({"recovery.history": True}, True),
    ],
    ids=["never used", "drinks", "uses drugs", "misuses rx", "had a problem"],
)
def test_moud_is_asked_with_drug_use_or_a_past_problem(change, asked):
    assert load_questionnaire().is_asked("withdrawal.moud", {**NEVER_USED, **change}) is asked


def test_recovery_history_is_always_asked():
    assert load_questionnaire().is_asked("recovery.history", {})


def test_the_overdose_question_is_asked_of_someone_on_moud():
    q = load_questionnaire()
    in_recovery = {**NEVER_USED, "recovery.history": True, "withdrawal.daily_opioids": False}
    assert not q.is_asked("safety.overdose_90d", {**in_recovery, "withdrawal.moud": False})
    assert q.is_asked("safety.overdose_90d", {**in_recovery, "withdrawal.moud": True})


@pytest.mark.parametrize(
    ("gate", "follow_ups"),
    [("cssrs.2", ("cssrs.3", "cssrs.4", "cssrs.5")), ("cssrs.6", ("cssrs.6_recent",))],
)
def test_an_unknown_gate_opens_no_follow_up(gate, follow_ups):
    q = load_questionnaire()
    for item_id in follow_ups:
        assert q.is_asked(item_id, {gate: True})
        assert not q.is_asked(item_id, {gate: "unknown"})


# --- prune: going back and changing an answer ----------------------------------------------------


def heavy_drinker_screen() -> dict:
    answers: dict[str, object] = {
        "about.age_band": "26_64",
        "about.sex_at_birth": "male",
        "auditc.1": 4,
        "auditc.2": 3,
        "auditc.3": 3,
        "taps1.tobacco": 0,
        "taps1.drugs": 0,
        "taps1.rx": 0,
        "recovery.history": False,
        "withdrawal.daily_alcohol": True,
        "withdrawal.daily_sedatives": False,
        "withdrawal.history_complicated": False,
        "withdrawal.current_symptoms": "mild",
        "medical.unstable": False,
        "safety.overdose_90d": False,
        **{f"phq9.{n}": 0 for n in range(1, 10)},
        **{f"gad7.{n}": 0 for n in range(1, 8)},
        "pcptsd5.exposure": False,
        "mh.diagnosis": False,
        "cssrs.1": False,
        "cssrs.2": False,
        "cssrs.6": False,
        "safety.harm_others": False,
        **{f"bam.{n}": 0 for n in (1, 2, 3, 4, 5, 6, 8, 11, 15)},
        **{f"bam.{n}": 4 for n in (9, 10, 12, 13, 14, 16, 17)},
        "relapse.recent_return": "no",
        "prior_care.most_intensive_12m": "none",
        "prior_care.outpatient_not_enough": "not_tried",
        "prior_care.episodes_lifetime": "0",
        **{f"mspss.{n}": 6 for n in range(1, 13)},
        "home.housing": "stable",
        "home.safe": True,
        "home.others_using": "no",
        "practical.attend_hours": "yes",
        "practical.transport": "yes",
        "practical.preferred_time": "morning",
        "practical.telehealth_ok": True,
        "readiness.ruler": 5,
    }
    return {"respondent": "self", "answers": answers}


def test_prune_drops_follow_ups_and_their_own_follow_ups():
    screen = heavy_drinker_screen()
    evaluate(screen)  # valid as it stands
    changed = {**screen["answers"], "auditc.1": 0}
    kept = load_questionnaire().prune(changed)
    dropped = set(changed) - set(kept)
    # auditc.2/3 and daily alcohol go; with no daily use left, so do the questions that hung on it;
    # with no drinking, drug use or past problem, so does the relapse section (revision 2).
    relapse = {f"bam.{n}" for n in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)}
    assert dropped == {
        "auditc.2",
        "auditc.3",
        "withdrawal.daily_alcohol",
        "withdrawal.history_complicated",
        "withdrawal.current_symptoms",
        "safety.overdose_90d",
        *relapse,
        "relapse.recent_return",
    }
    assert kept["auditc.1"] == 0
    assert all(kept[k] == changed[k] for k in kept)
    # What is left is exactly a valid screen: the wizard can submit it as it is.
    assert evaluate({"respondent": "self", "answers": kept})["disposition"]


def test_prune_keeps_a_follow_up_another_answer_still_calls_for():
    answers = {**heavy_drinker_screen()["answers"], "withdrawal.daily_sedatives": True}
    kept = load_questionnaire().prune({**answers, "auditc.1": 2})
    assert "withdrawal.daily_alcohol" not in kept  # needs auditc.1 >= 3
    assert "auditc.2" in kept and "auditc.3" in kept  # still asked at auditc.1 = 2
    assert "bam.1" in kept and "relapse.recent_return" in kept  # still a drinker
    # Daily sedatives still call for these.
    for item_id in ("withdrawal.history_complicated", "withdrawal.current_symptoms", "safety.overdose_90d"):
        assert kept[item_id] == answers[item_id], item_id
    evaluate({"respondent": "self", "answers": kept})


def test_prune_leaves_a_consistent_screen_alone():
    answers = heavy_drinker_screen()["answers"]
    assert load_questionnaire().prune(answers) == answers


def test_prune_drops_prior_care_details_when_there_was_no_prior_care():
    answers = {
        **heavy_drinker_screen()["answers"],
        "prior_care.most_intensive_12m": "iop",
        "prior_care.status": "discharged_30d",
        "prior_care.completed": "left_early",
    }
    evaluate({"respondent": "self", "answers": answers})
    kept = load_questionnaire().prune({**answers, "prior_care.most_intensive_12m": "none"})
    assert "prior_care.status" not in kept
    assert "prior_care.completed" not in kept
    assert kept["prior_care.most_intensive_12m"] == "none"


def test_prune_keeps_the_relapse_section_for_someone_in_recovery_who_stops_drinking():
    answers = {**heavy_drinker_screen()["answers"], "recovery.history": True}
    answers = {
        k: v
        for k, v in answers.items()
        if not k.startswith("withdrawal.") or k == "withdrawal.daily_sedatives"
    }
    answers.pop("safety.overdose_90d")
    answers["withdrawal.moud"] = False
    evaluate({"respondent": "self", "answers": {**answers, "auditc.1": 2}})
    kept = load_questionnaire().prune({**answers, "auditc.1": 0})
    assert "bam.1" in kept and "relapse.recent_return" in kept
    assert kept["withdrawal.moud"] is False
    evaluate({"respondent": "self", "answers": kept})
