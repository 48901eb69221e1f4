"""`hedgehog grade` and `hedgehog classify` as a user runs them: a real process, exit codes,
stdout/stderr discipline (CONTRACT.md section 4)."""

import json
import subprocess
import sys

import pytest

ANSWER = (
    "Today we stream to about 1M concurrent viewers at 5 Mbps, so 5 Tbps at peak. If that grows 10x we "
    "need 50 Tbps; evenings run 2-3x the average and I'd add a 25% buffer. The CDN edge fails first, so "
    "I'd pre-position caches and use adaptive bitrate."
)


def hedgehog(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hedgehog.cli", *args], input=stdin, capture_output=True, timeout=60
    )


@pytest.fixture
def answer_file(tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    return path


def test_grade_bank_question_prints_one_document(answer_file):
    result = hedgehog("grade", "--question-id", "Q742", "--answer-file", str(answer_file), "--json", "--grader", "deterministic")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["question_id"] == "Q742"
    assert doc["framework"] == "capacity"
    assert [s["id"] for s in doc["stages"]] == [
        "current_load", "growth_projection", "nonlinear_factors", "capacity_needs", "bottlenecks"
    ]
    assert all(q in ANSWER for s in doc["stages"] for q in s["evidence"])
    assert result.stderr == b""


def test_grade_from_stdin_with_question_text_routes_the_framework():
    result = hedgehog("grade", "--question-text", "What breaks if our API traffic grows 10x?", "--answer-file", "-",
                      "--json", stdin=ANSWER.encode())
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["framework"] == "scale" and doc["question_id"] is None
    assert doc["grader"] == "deterministic"  # no endpoint configured


def test_explicit_framework_wins_over_the_router(answer_file):
    result = hedgehog("grade", "--question-text", "What breaks if our API traffic grows 10x?", "--framework", "capacity",
                      "--answer-file", str(answer_file), "--json")
    assert json.loads(result.stdout)["framework"] == "capacity"


def test_readable_report_without_json(answer_file):
    result = hedgehog("grade", "--question-id", "Q742", "--answer-file", str(answer_file))
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "Current Load" in text and "Overall:" in text and "/4" in text


@pytest.mark.parametrize(
    "args, content, message",
    [
        (["--question-id", "Q742"], b"   \n\t ", "empty"),
        (["--question-id", "Q742"], b"a" * 20_001, "20,000"),
        (["--question-id", "Q999999"], ANSWER.encode(), "unknown question id"),
        (["--question-text", "x", "--framework", "nonsense"], ANSWER.encode(), "unknown framework"),
        (["--question-id", "Q742"], b"caf\xe9 \xff\xfe not utf-8", "not UTF-8"),
        (["--question-id", "Q742", "--grader", "oracle"], ANSWER.encode(), "unknown grader"),
        (["--question-id", "Q742", "--question-text", "both?"], ANSWER.encode(), "either"),
        ([], ANSWER.encode(), "--question-id or --question-text"),
    ],
)
def test_errors_go_to_stderr_with_exit_2(tmp_path, args, content, message):
    path = tmp_path / "answer.txt"
    path.write_bytes(content)
    result = hedgehog("grade", *args, "--answer-file", str(path), "--json")
    assert result.returncode == 2
    assert result.stdout == b""
    assert message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_missing_answer_file_is_a_clear_error(tmp_path):
    result = hedgehog("grade", "--question-id", "Q742", "--answer-file", str(tmp_path / "nope.txt"), "--json")
    assert result.returncode == 2 and result.stdout == b""
    assert "cannot read" in result.stderr.decode()


def test_classify_json_shape():
    result = hedgehog("classify", "Estimate the storage needed for Google Photos", "--json")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert set(doc) == {"is_scale_capacity", "framework", "category", "cues", "reason"}
    assert doc == {**doc, "is_scale_capacity": True, "framework": "capacity", "category": "L2"}


def test_classify_red_flag():
    doc = json.loads(hedgehog("classify", "How do you monitor a system?", "--json").stdout)
    assert doc["category"] == "L5" and doc["framework"] is None and doc["is_scale_capacity"] is False


def test_classify_empty_question_is_refused():
    result = hedgehog("classify", "  ", "--json")
    assert result.returncode == 2 and result.stdout == b""


def test_nul_in_the_answer_is_refused(tmp_path):
    path = tmp_path / "answer.txt"
    path.write_bytes(b"10k RPS \x00 at peak")
    result = hedgehog("grade", "--question-id", "Q742", "--answer-file", str(path), "--json")
    assert result.returncode == 2 and result.stdout == b""
    assert "NUL" in result.stderr.decode()
