"""The golden set: format, coverage, the contract's hard rules, and the loader's refusals."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from hedgehog.evaluation.dataset import CATEGORIES, GoldenItem, GoldenSetError, default_golden_paths, load_file, load_items
from hedgehog.grading.questions import get_question
from hedgehog.grading.rubric import CONTRACT_STAGES
from hedgehog.paths import project_root

BANK_IDS = {"Q110", "Q473", "Q179", "Q742", "Q745", "Q748"}
CALIBRATION = project_root().parent / "shared" / "calibration" / "calibration.jsonl"


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def test_golden_files_exist_and_load(golden_items):
    assert [p.name for p in default_golden_paths()] == ["golden-capacity.jsonl", "golden-fresh.jsonl", "golden-scale.jsonl"]
    assert len(golden_items) >= 44
    assert len({i.id for i in golden_items}) == len(golden_items)
    # G: written with the grader in view; A, B, D-F, H-Z, CA, CB, CD-CR, CW-CZ: forty-five sets written apart from it (golden-fresh).
    assert all(re.fullmatch(r"([ABD-Z]|C[ABD-RW-Z])\d\d", i.id) for i in golden_items)
    fresh = [i for i in golden_items if i.id[0] != "G"]
    batches = Counter(re.match(r"[A-Z]+", i.id).group() for i in fresh)
    assert len(fresh) == 1350 and batches == {k: 30 for k in [*"ABDEFHIJKLMNOPQRSTUVWXYZ", *(f"C{c}" for c in "ABDEFGHIJKLMNOPQRWXYZ")]}


def test_golden_covers_frameworks_questions_and_categories(golden_items):
    frameworks = Counter(i.framework for i in golden_items)
    assert frameworks["scale"] >= 20 and frameworks["capacity"] >= 20
    assert BANK_IDS <= {i.question_id for i in golden_items}
    new_questions = {i.question_text for i in golden_items if i.question_id is None}
    assert len(new_questions) >= 10
    categories = Counter(i.category for i in golden_items)
    assert set(categories) == set(CATEGORIES)
    assert min(categories.values()) >= 3, categories


def test_golden_answers_are_spoken_length_and_bank_texts_match(golden_items):
    for item in golden_items:
        # The calibration format's 60-400 words; batches CJ-CL asked their writers for too_short
        # answers under 60, which they are (41-55 words).
        shortest = 30 if item.category == "too_short" and item.id[:2] in ("CJ", "CK", "CL") else 60
        assert shortest <= words(item.answer) <= 400, (item.id, words(item.answer))
        if item.question_id:
            assert item.question_text == get_question(item.question_id).text, item.id
        assert all(line.strip() for line in item.rationale.values()), item.id


def test_golden_labels_follow_the_hard_rules(golden_items):
    for item in golden_items:
        assert list(item.labels) == CONTRACT_STAGES[item.framework]
        if item.category == "keyword_stuffing":
            assert max(item.labels.values()) <= 1, item.id
        if item.category == "injection":
            assert item.expect_flags == ["injection"], item.id
        else:
            assert item.expect_flags == [], item.id
        if item.category == "arithmetic_error" and item.framework == "capacity":
            assert item.labels["capacity_needs"] <= 2, item.id


def test_golden_answers_differ_from_calibration(golden_items):
    if not CALIBRATION.exists():
        pytest.skip("no shared calibration set next to the repository")
    calibration = load_items([CALIBRATION])
    sentences = {s.strip().lower() for c in calibration for s in re.split(r"(?<=[.!?])\s+", c.answer) if words(s) >= 8}
    for item in golden_items:
        for sentence in re.split(r"(?<=[.!?])\s+", item.answer):
            assert sentence.strip().lower() not in sentences, (item.id, sentence)


def test_shared_calibration_loads_through_the_same_loader():
    if not CALIBRATION.exists():
        pytest.skip("no shared calibration set at ../shared/calibration/calibration.jsonl")
    items = load_items([CALIBRATION])
    assert len(items) == 18
    assert {i.id for i in items} == {f"C{n:02d}" for n in range(1, 19)}


VALID = {
    "id": "T01",
    "question_id": None,
    "question_text": "What breaks if our API traffic grows 10x?",
    "framework": "scale",
    "category": "exemplary",
    "answer": "An answer.",
    "labels": {"current_load": 4, "projection": 4, "bottlenecks": 4, "mitigation": 4},
    "expect_flags": [],
    "rationale": {"current_load": "a", "projection": "b", "bottlenecks": "c", "mitigation": "d"},
}


def test_a_valid_item_loads_and_knows_its_expected_overall():
    item = GoldenItem.model_validate({**VALID, "labels": {"current_load": 4, "projection": 3, "bottlenecks": 2, "mitigation": 0}})
    assert item.expected_overall == 56  # round(100 * 9 / 16)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"labels": {"projection": 4, "current_load": 4, "bottlenecks": 4, "mitigation": 4}}, "stage ids in order"),
        ({"labels": {"current_load": 4, "projection": 4, "bottlenecks": 4}}, "stage ids in order"),
        ({"labels": {"current_load": 5, "projection": 4, "bottlenecks": 4, "mitigation": 4}}, "0..4"),
        ({"category": "keyword_stuffing"}, "at most 1"),
        ({"category": "injection"}, "injection"),
        ({"expect_flags": ["flattery"]}, "expect_flags"),
        ({"category": "guesswork"}, "category"),
        ({"framework": "capacity"}, "stage ids in order"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_loader_refuses_items_that_break_the_format(tmp_path, change, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({**VALID, **change}) + "\n", encoding="utf-8")
    with pytest.raises(GoldenSetError, match=re.escape(message)) as info:
        load_file(path)
    assert "bad.jsonl:1" in str(info.value)


def test_loader_enforces_the_arithmetic_cap(tmp_path):
    item = {
        **VALID,
        "framework": "capacity",
        "category": "arithmetic_error",
        "labels": {"current_load": 3, "growth_projection": 3, "nonlinear_factors": 3, "capacity_needs": 3, "bottlenecks": 3},
        "rationale": dict.fromkeys(CONTRACT_STAGES["capacity"], "x"),
    }
    path = tmp_path / "cap.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    with pytest.raises(GoldenSetError, match="caps capacity_needs at 2"):
        load_file(path)


def test_loader_names_the_line_of_broken_json(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(VALID) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(GoldenSetError, match=r"broken\.jsonl:3: not valid JSON"):
        load_file(path)


def test_loader_refuses_duplicate_ids_across_files_and_missing_files(tmp_path):
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(json.dumps(VALID) + "\n", encoding="utf-8")
    with pytest.raises(GoldenSetError, match="T01 already used"):
        load_items([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    with pytest.raises(GoldenSetError, match="cannot read"):
        load_items([tmp_path / "missing.jsonl"])
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(GoldenSetError, match="no items"):
        load_items([Path(tmp_path / "empty.jsonl")])
