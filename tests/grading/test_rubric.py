"""Rubrics are data: both load and match the contract; broken files fail naming the file and field."""

import shutil
from pathlib import Path

import pytest
import yaml

from hedgehog.grading.errors import RubricError, UnknownFrameworkError
from hedgehog.grading.rubric import CONTRACT_STAGES, load_rubric, load_rubric_file, rubric_content_hash
from hedgehog.paths import rubrics_dir


@pytest.mark.parametrize("framework", ["scale", "capacity"])
def test_rubric_matches_contract(framework):
    rubric = load_rubric(framework)
    assert rubric.stage_ids == CONTRACT_STAGES[framework]
    assert rubric.rubric_version == f"{framework}@{rubric.version}"
    assert [a.score for a in sorted(rubric.anchors, key=lambda a: a.score)] == [0, 1, 2, 3, 4]
    assert [a.label for a in sorted(rubric.anchors, key=lambda a: a.score)] == [
        "Absent", "Named", "Partial", "Solid", "Excellent"
    ]
    for stage in rubric.stages:
        assert stage.groups, stage.id
        assert all(g.cues and g.missing for g in stage.groups)
        assert all(stage.critique.for_score(s) for s in range(5))


def test_scale_current_load_groups_are_the_sources():
    groups = {g.id: g for g in load_rubric("scale").stage("current_load").groups}
    assert set(groups) == {"traffic", "data", "resources"}
    assert "QPS/RPS" in groups["traffic"].concepts


def test_unknown_framework_is_refused():
    with pytest.raises(UnknownFrameworkError, match="nonsense"):
        load_rubric("nonsense")


def _broken_copy(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((rubrics_dir() / "scale.yaml").read_text())
    mutate(data)
    path = tmp_path / "scale.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_missing_stage_names_file_and_field(tmp_path):
    path = _broken_copy(tmp_path, lambda d: d["stages"].pop(2))
    with pytest.raises(RubricError, match=r"scale\.yaml.*stages must be"):
        load_rubric_file(path)


def test_bad_anchor_score_names_the_field(tmp_path):
    def mutate(d):
        d["anchors"][4]["score"] = 7

    with pytest.raises(RubricError, match=r"scale\.yaml: field anchors\.4\.score"):
        load_rubric_file(_broken_copy(tmp_path, mutate))


def test_unknown_key_names_the_field(tmp_path):
    def mutate(d):
        d["stages"][0]["colour"] = "red"

    with pytest.raises(RubricError, match=r"field stages\.0\.colour"):
        load_rubric_file(_broken_copy(tmp_path, mutate))


def test_invalid_cue_pattern_is_reported(tmp_path):
    def mutate(d):
        d["stages"][1]["groups"][0]["cues"].append("(unclosed")

    with pytest.raises(RubricError, match=r"stages\.1\.groups\.0\.cues.*invalid pattern"):
        load_rubric_file(_broken_copy(tmp_path, mutate))


def test_unknown_excellence_check_is_reported(tmp_path):
    def mutate(d):
        d["stages"][0]["excellence"] = ["vibes"]

    with pytest.raises(RubricError, match="unknown excellence checks"):
        load_rubric_file(_broken_copy(tmp_path, mutate))


@pytest.mark.parametrize("field", ["required_for_solid", "announced_by"])
def test_a_stage_naming_a_group_it_does_not_have_is_reported(tmp_path, field):
    def mutate(d):
        d["stages"][2][field] = ["vibes"]

    with pytest.raises(RubricError, match=rf"{field} names unknown groups \['vibes'\]"):
        load_rubric_file(_broken_copy(tmp_path, mutate))


def test_not_yaml_is_reported(tmp_path):
    path = tmp_path / "scale.yaml"
    path.write_text("stages: [unclosed\n")
    with pytest.raises(RubricError, match=r"scale\.yaml: not valid YAML"):
        load_rubric_file(path)


def test_content_hash_changes_with_the_file(tmp_path):
    for name in ("scale.yaml", "capacity.yaml"):
        shutil.copy(rubrics_dir() / name, tmp_path / name)
    before = rubric_content_hash("scale", tmp_path)
    (tmp_path / "scale.yaml").write_text((tmp_path / "scale.yaml").read_text() + "\n# edited\n")
    assert rubric_content_hash("scale", tmp_path) != before
