"""POST /v1/grade and /v1/classify: stateless, no login; refusals are 422 JSON naming the field."""

import pytest

from hedgehog.grading.document import MAX_ANSWER_CHARS
from hedgehog.grading.rubric import CONTRACT_STAGES

ANSWER = (
    "Today we stream to about 2M concurrent viewers at 5 Mbps each. At launch we expect 10x growth. "
    "Peak is 3x the average, plus a 30% buffer: 2M x 10 x 5 Mbps x 3 x 1.3 = 390 Tbps. "
    "The CDN edge capacity fails first; mitigate with adaptive bitrate and regional caching."
)


def test_grade_bank_question_returns_contract_document(client):
    reply = client.post("/v1/grade", json={"question_id": "Q742", "answer": ANSWER})
    assert reply.status_code == 200, reply.text
    doc = reply.json()
    assert doc["framework"] == "capacity" and doc["question_id"] == "Q742"
    assert doc["grader"] == "deterministic" and doc["rubric_version"].startswith("capacity@")
    assert [s["id"] for s in doc["stages"]] == CONTRACT_STAGES["capacity"]
    assert 0 <= doc["overall"] <= 100 and isinstance(doc["flags"], list) and isinstance(doc["summary"], str)
    for stage in doc["stages"]:
        assert 0 <= stage["score"] <= stage["max_score"] == 4
        assert all(quote in ANSWER for quote in stage["evidence"])


def test_grade_is_deterministic_and_needs_no_login(client):
    body = {"question_id": "Q473", "answer": ANSWER}
    first, second = client.post("/v1/grade", json=body), client.post("/v1/grade", json=body)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content


def test_grade_free_text_question_with_framework(client):
    reply = client.post("/v1/grade", json={"question_text": "What breaks if traffic grows 10x for our API?",
                                           "framework": "scale", "answer": ANSWER})
    assert reply.status_code == 200
    assert [s["id"] for s in reply.json()["stages"]] == CONTRACT_STAGES["scale"]
    assert reply.json()["question_id"] is None


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"question_id": "Q742", "answer": ""}, "empty_answer", "answer"),
        ({"question_id": "Q742", "answer": "   \n\t "}, "empty_answer", "answer"),
        ({"question_id": "Q742", "answer": "x" * (MAX_ANSWER_CHARS + 1)}, "answer_too_long", "answer"),
        ({"question_id": "Q999", "answer": ANSWER}, "unknown_question", "question_id"),
        ({"question_id": "Q742", "answer": ANSWER, "framework": "vibes"}, "unknown_framework", "framework"),
        ({"question_id": "Q742", "answer": ANSWER, "grader": "magic"}, "unknown_grader", "grader"),
        ({"question_id": "Q742", "answer": ANSWER, "grader": "llm"}, "llm_not_configured", "grader"),
    ],
)
def test_grade_refusals_are_422_with_code_and_field(client, body, code, field):
    reply = client.post("/v1/grade", json=body)
    assert reply.status_code == 422
    assert reply.json()["code"] == code
    assert reply.json()["field"] == field
    assert reply.json()["detail"]


def test_grade_missing_answer_names_the_field(client):
    reply = client.post("/v1/grade", json={"question_id": "Q742"})
    assert reply.status_code == 422
    assert reply.json()["code"] == "validation_error"
    assert reply.json()["fields"] == ["answer"]


def test_grade_needs_exactly_one_question(client):
    both = client.post("/v1/grade", json={"question_id": "Q742", "question_text": "Scale it 10x?", "answer": ANSWER})
    neither = client.post("/v1/grade", json={"answer": ANSWER})
    assert both.status_code == neither.status_code == 422
    assert "question" in both.json()["detail"] and "question" in neither.json()["detail"]


def test_grade_rejects_non_json_body(client):
    reply = client.post("/v1/grade", content=b"not json", headers={"Content-Type": "application/json"})
    assert reply.status_code == 422
    assert reply.json()["code"] == "validation_error"


def test_classify_routes_questions(client):
    capacity = client.post("/v1/classify", json={"question": "Estimate the storage needed for Google Photos."})
    monitor = client.post("/v1/classify", json={"question": "How do you monitor a system?"})
    assert capacity.status_code == monitor.status_code == 200
    assert capacity.json()["is_scale_capacity"] is True and capacity.json()["framework"] == "capacity"
    assert monitor.json()["is_scale_capacity"] is False and monitor.json()["framework"] is None


@pytest.mark.parametrize("body", [{}, {"question": ""}, {"question": "   "}])
def test_classify_refuses_empty(client, body):
    reply = client.post("/v1/classify", json=body)
    assert reply.status_code == 422
    assert reply.json()["code"] in {"validation_error", "empty_question"}
