"""Reads that must stay small however long a learner's history grows."""

import pytest
from sqlalchemy.exc import InvalidRequestError

from hedgehog.db import crud
from hedgehog.db.models import UserCreate
from hedgehog.grading.grade import grade


def test_history_without_text_leaves_answers_unread(session):
    learner = crud.create_user(session, UserCreate(username="lea", password="correct-horse-battery"))
    answer = "Today we serve 2,000 requests per second; at 10x the database fails first, so we shard it."
    stored = crud.store_submission(session, learner, answer, grade(answer, question_id="Q110", grader="deterministic"))
    learner_id, stored_id, overall = learner.id, stored.id, stored.overall
    session.expunge_all()  # a fresh read, not the objects just stored

    (light,) = crud.all_submissions(session, [learner_id], with_text=False)
    assert (light.id, light.question_id, light.overall) == (stored_id, "Q110", overall)
    with pytest.raises(InvalidRequestError):
        light.answer  # noqa: B018 - touching it is the test: it was never read
    session.expunge_all()
    (full,) = crud.all_submissions(session, [learner_id])
    assert full.answer == answer
