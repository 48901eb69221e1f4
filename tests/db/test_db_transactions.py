"""A submission and all its stage scores are written in one transaction: a failure part-way
through the write stores nothing at all."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from hedgehog.api.security import hash_password
from hedgehog.db import crud
from hedgehog.db.models import AuditEvent, StageScore, Submission, User, UserRole
from hedgehog.grading.document import GradeDocument, StageGrade
from hedgehog.grading.rubric import load_rubric


@pytest.fixture
def learner(session) -> User:
    user = User(username="lea", role=UserRole.learner, password_hash=hash_password("not-used-here"))
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def grade(stage_ids: list[str] | None = None) -> GradeDocument:
    rubric = load_rubric("scale")
    ids = stage_ids or rubric.stage_ids
    return GradeDocument(
        framework="scale", rubric_version=rubric.rubric_version, grader="deterministic", question_id="Q473",
        question_text="q", overall=50, summary="s",
        stages=[StageGrade(id=i, name=i, score=2, evidence=["quote"], missing=["x"]) for i in ids],
    )


def counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(session.exec(select(func.count()).select_from(m)).one() for m in (Submission, StageScore, AuditEvent))


def test_submission_and_stages_commit_together(session, learner):
    submission = crud.store_submission(session, learner, "answer", grade())
    assert counts(session) == (1, 4, 1)
    stored = crud.grade_document(submission, crud.stage_scores_for(session, [submission.id])[submission.id])
    assert stored.model_dump(exclude={"notes", "details"}) == grade().model_dump(exclude={"notes", "details"})


def test_constraint_failure_mid_write_stores_nothing(session, learner):
    # The third stage row repeats a stage id: the database refuses it after the submission and
    # two stage rows were already flushed inside the transaction.
    with pytest.raises(IntegrityError):
        crud.store_submission(session, learner, "answer", grade(["current_load", "projection", "projection", "mitigation"]))
    assert counts(session) == (0, 0, 0)
    crud.store_submission(session, learner, "answer", grade())  # the session is usable afterwards
    assert counts(session) == (1, 4, 1)


def test_crash_after_stage_rows_stores_nothing(session, learner, monkeypatch):
    """A failure after every stage row is written (here: while writing the audit row) still rolls back all."""
    def explode(*_args, **_kwargs):
        raise RuntimeError("simulated crash before commit")

    monkeypatch.setattr(crud, "record_audit", explode)
    with pytest.raises(RuntimeError, match="simulated crash"):
        crud.store_submission(session, learner, "answer", grade())
    assert counts(session) == (0, 0, 0)


def test_invalid_review_stores_nothing(session, learner):
    coach = User(username="cora", role=UserRole.coach, password_hash="x")
    session.add(coach)
    session.commit()
    submission = crud.store_submission(session, learner, "answer", grade())
    from hedgehog.db.models import Review, ReviewCreate, StageOverrideCreate

    bad = ReviewCreate(comment="c", overrides=[StageOverrideCreate(stage_id="current_load", score=4, reason="ok"),
                                               StageOverrideCreate(stage_id="growth_projection", score=1, reason="no")])
    with pytest.raises(crud.InvalidReviewError):
        crud.add_review(session, submission, coach, bad)
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Review)).one() == 0
    assert all(s.coach_score is None for s in crud.stage_scores_for(session, [submission.id])[submission.id])
