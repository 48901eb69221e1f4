"""Reads and writes the API and the CLI share. Each write that spans several rows happens in one
transaction: it commits everything or, on any error, rolls back and stores nothing."""

import base64
import binascii
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, tuple_
from sqlalchemy.engine import Engine, Row
from sqlalchemy.orm import defer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hedgehog.api.security import hash_password, verify_password
from hedgehog.db.models import (
    AuditEvent,
    CoachAssignment,
    Review,
    ReviewCreate,
    StageOverride,
    StageScore,
    Submission,
    TargetRole,
    User,
    UserCreate,
    UserRole,
)
from hedgehog.grading.document import GradeDocument
from hedgehog.grading.errors import HedgehogError

# Grade-document fields kept as columns or rows; everything else goes to Submission.extra.
_COLUMN_FIELDS = {
    "framework", "rubric_version", "grader", "question_id", "question_text", "overall",
    "stages", "flags", "summary", "prompt_version", "model",
}


_IN_CHUNK = 1000


class DataError(HedgehogError):
    code = "invalid_data"


class UsernameTakenError(DataError):
    code = "username_taken"


class UnknownUserError(DataError):
    code = "unknown_user"


class WrongRoleError(DataError):
    code = "wrong_role"


class InvalidReviewError(DataError):
    code = "invalid_review"


class InvalidCursorError(DataError):
    code = "invalid_cursor"


# --- audit -----------------------------------------------------------------------------------


def record_audit(
    session: Session, actor: User | None, action: str, entity: str, entity_id: Any, detail: dict | None = None
) -> None:
    """Added to the caller's transaction: the audit row commits or rolls back with the change."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            actor=actor.username if actor else "cli",
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            detail=detail or {},
        )
    )


# --- users and cohorts -----------------------------------------------------------------------


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def create_user(session: Session, data: UserCreate, actor: User | None = None) -> User:
    if get_user_by_username(session, data.username):
        raise UsernameTakenError(f"the username {data.username!r} is taken")
    target_role = data.target_role
    if data.role == UserRole.learner and target_role is None:
        target_role = TargetRole.product_manager
    user = User(
        username=data.username,
        role=data.role,
        target_role=target_role,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    try:
        session.flush()
        record_audit(session, actor, "user.create", "user", user.id, {"username": user.username, "role": user.role})
        session.commit()
    except IntegrityError as e:  # a concurrent create with the same name
        session.rollback()
        raise UsernameTakenError(f"the username {data.username!r} is taken") from e
    session.refresh(user)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = get_user_by_username(session, username)
    if not verify_password(password, user.password_hash if user else None):
        return None
    return user if user and user.is_active else None


def _require_role(session: Session, username: str, role: UserRole) -> User:
    user = get_user_by_username(session, username)
    if user is None:
        raise UnknownUserError(f"no user named {username!r}")
    if user.role != role:
        raise WrongRoleError(f"{username!r} is a {user.role.value}, not a {role.value}")
    return user


def assign_learner(session: Session, coach_name: str, learner_name: str, actor: User | None = None) -> CoachAssignment:
    """Idempotent: assigning twice returns the existing assignment."""
    coach = _require_role(session, coach_name, UserRole.coach)
    learner = _require_role(session, learner_name, UserRole.learner)
    existing = session.exec(
        select(CoachAssignment).where(CoachAssignment.coach_id == coach.id, CoachAssignment.learner_id == learner.id)
    ).first()
    if existing:
        return existing
    assignment = CoachAssignment(coach_id=coach.id, learner_id=learner.id)
    session.add(assignment)
    session.flush()
    record_audit(session, actor, "assignment.create", "coach_assignment", assignment.id,
                 {"coach": coach.username, "learner": learner.username})
    session.commit()
    session.refresh(assignment)
    return assignment


def unassign_learner(session: Session, assignment: CoachAssignment, actor: User | None = None) -> None:
    record_audit(session, actor, "assignment.delete", "coach_assignment", assignment.id,
                 {"coach_id": assignment.coach_id, "learner_id": assignment.learner_id})
    session.delete(assignment)
    session.commit()


def coach_has_learner(session: Session, coach_id: int, learner_id: int) -> bool:
    return session.exec(
        select(CoachAssignment.id).where(CoachAssignment.coach_id == coach_id, CoachAssignment.learner_id == learner_id)
    ).first() is not None


def learners_of(session: Session, coach: User) -> list[User]:
    """A coach's assigned learners; an admin sees every learner."""
    query = select(User).where(User.role == UserRole.learner)
    if coach.role != UserRole.admin:
        query = query.join(CoachAssignment, col(CoachAssignment.learner_id) == User.id).where(
            CoachAssignment.coach_id == coach.id
        )
    return list(session.exec(query.order_by(User.username)).all())


# --- submissions -----------------------------------------------------------------------------


def _same_question(learner_id: int, doc: GradeDocument):  # noqa: ANN202
    query = select(func.count()).select_from(Submission).where(Submission.learner_id == learner_id)
    if doc.question_id:
        return query.where(Submission.question_id == doc.question_id)
    return query.where(
        col(Submission.question_id).is_(None),
        Submission.question_text == doc.question_text,
        Submission.framework == doc.framework,
    )


def store_submission(session: Session, learner: User, answer: str, doc: GradeDocument) -> Submission:
    """The submission, its stage scores and the audit row in one transaction."""
    try:
        # Two submissions to the same question at once must not share an attempt number: on
        # PostgreSQL the learner's row is locked for the transaction; on SQLite the count runs
        # inside the INSERT statement itself, which SQLite executes atomically among writers.
        session.exec(select(User.id).where(User.id == learner.id).with_for_update())
        attempt = _same_question(learner.id, doc).scalar_subquery() + 1
        extra = doc.model_dump(mode="json", exclude=_COLUMN_FIELDS)
        submission = Submission(
            learner_id=learner.id,
            answer=answer,
            attempt_number=attempt,
            question_id=doc.question_id,
            question_text=doc.question_text,
            framework=doc.framework,
            grader=doc.grader,
            rubric_version=doc.rubric_version,
            prompt_version=doc.prompt_version,
            model=doc.model,
            overall=doc.overall,
            summary=doc.summary,
            flags=list(doc.flags),
            extra=extra,
        )
        session.add(submission)
        session.flush()  # the submission's id, for its stage rows
        session.refresh(submission, ["attempt_number"])  # computed by the INSERT; read it inside the transaction
        session.add_all(
            StageScore(
                    submission_id=submission.id,
                    position=position,
                    stage_id=stage.id,
                    name=stage.name,
                    score=stage.score,
                    max_score=stage.max_score,
                    label=stage.label,
                    evidence=list(stage.evidence),
                    critique=stage.critique,
                    missing=list(stage.missing),
                )
            for position, stage in enumerate(doc.stages)
        )
        record_audit(session, learner, "submission.create", "submission", submission.id,
                     {"question_id": doc.question_id, "framework": doc.framework, "overall": doc.overall})
        session.commit()
    except Exception:
        session.rollback()
        raise
    # No refresh after the commit: the row is stored, and a database that drops out right now
    # must not turn that into "nothing was stored" (sessions keep loaded values on commit).
    return submission


def stage_scores_for(session: Session, submission_ids: Iterable[int]) -> dict[int, list[StageScore]]:
    ids = list(submission_ids)
    result: dict[int, list[StageScore]] = {i: [] for i in ids}
    if not ids:
        return result
    for start in range(0, len(ids), _IN_CHUNK):  # bound the parameters per statement (SQLite, PG limits)
        chunk = ids[start : start + _IN_CHUNK]
        rows = session.exec(
            select(StageScore).where(col(StageScore.submission_id).in_(chunk))
            .order_by(StageScore.submission_id, StageScore.position)
        ).all()
        for row in rows:
            result[row.submission_id].append(row)
    return result


def reviewed_ids(session: Session, submission_ids: Iterable[int]) -> set[int]:
    ids = list(submission_ids)
    if not ids:
        return set()
    found: set[int] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        found.update(session.exec(select(Review.submission_id).where(col(Review.submission_id).in_(chunk))).all())
    return found


def grade_document(submission: Submission, stages: Sequence[StageScore]) -> GradeDocument:
    """The automatic grade exactly as it was returned when the answer was graded."""
    return GradeDocument.model_validate(
        {
            **submission.extra,
            "framework": submission.framework,
            "rubric_version": submission.rubric_version,
            "grader": submission.grader,
            "question_id": submission.question_id,
            "question_text": submission.question_text,
            "overall": submission.overall,
            "flags": submission.flags,
            "summary": submission.summary,
            "prompt_version": submission.prompt_version,
            "model": submission.model,
            "stages": [
                {
                    "id": s.stage_id, "name": s.name, "score": s.score, "max_score": s.max_score,
                    "evidence": s.evidence, "critique": s.critique, "missing": s.missing, "label": s.label,
                }
                for s in stages
            ],
        }
    )


def encode_cursor(created_at: datetime, submission_id: int) -> str:
    raw = f"{created_at.isoformat()}|{submission_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, sid = raw.partition("|")
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("cursor timestamp without timezone")
        return created_at, int(sid)
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise InvalidCursorError("the cursor is not one this service issued; start again without it") from e


def list_submissions(
    session: Session,
    learner_id: int,
    *,
    question_id: str | None = None,
    framework: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Submission], str | None]:
    """Newest first, keyset-paginated on (created_at, id) so page N costs the same as page 1."""
    query = select(Submission).where(Submission.learner_id == learner_id)
    if question_id:
        query = query.where(Submission.question_id == question_id.strip().upper())
    if framework:
        query = query.where(Submission.framework == framework)
    if cursor:
        created_at, sid = decode_cursor(cursor)
        # Typed bind: the stored timestamp format differs per backend (text on SQLite).
        stamp = bindparam("cursor_created_at", created_at, type_=Submission.__table__.c.created_at.type)
        query = query.where(tuple_(col(Submission.created_at), col(Submission.id)) < tuple_(stamp, sid))
    query = query.order_by(col(Submission.created_at).desc(), col(Submission.id).desc()).limit(limit + 1)
    rows = list(session.exec(query).all())
    page, more = rows[:limit], len(rows) > limit
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if more and page else None
    return page, next_cursor


def all_submissions(session: Session, learner_ids: Sequence[int], *, with_text: bool = True) -> list[Submission]:
    """Every submission of these learners, oldest first. Without text, the answer, summary and
    stored grade details are not read (touching them raises): a long history stays small."""
    if not learner_ids:
        return []
    query = (
        select(Submission)
        .where(col(Submission.learner_id).in_(list(learner_ids)))
        .order_by(Submission.learner_id, Submission.created_at, Submission.id)
    )
    if not with_text:
        query = query.options(*(defer(column, raiseload=True) for column in _SUBMISSION_TEXT_COLUMNS))
    return list(session.exec(query).all())


_SUBMISSION_TEXT_COLUMNS = (Submission.answer, Submission.summary, Submission.extra)


EXPORT_BATCH = 500  # submissions per query when exporting


def export_batches(
    engine: Engine, learner_ids: Iterable[int], batch: int = EXPORT_BATCH
) -> Iterator[list[tuple[Row, list[Row]]]]:
    """The learners' submissions in export order (learner, time, id), each with its stage scores,
    a batch at a time and only the exported columns, from a session of its own: memory stays flat
    however long the history, and the caller may stream the batches after its request's session
    has closed."""
    ids = sorted(set(learner_ids))
    with Session(engine) as session:
        for start in range(0, len(ids), _IN_CHUNK):
            learners = ids[start : start + _IN_CHUNK]
            after: tuple | None = None
            while True:
                query = select(*_EXPORTED_SUBMISSION_COLUMNS).where(col(Submission.learner_id).in_(learners))
                if after is not None:  # keyset: the next rows in the (learner, time, id) index order
                    query = query.where(tuple_(Submission.learner_id, Submission.created_at, Submission.id) > after)
                rows = session.exec(
                    query.order_by(Submission.learner_id, Submission.created_at, Submission.id).limit(batch)
                ).all()
                if not rows:
                    break
                stages: dict[int, list[Row]] = {row.id: [] for row in rows}
                for stage in session.exec(
                    select(*_EXPORTED_STAGE_COLUMNS)
                    .where(col(StageScore.submission_id).in_(list(stages)))
                    .order_by(StageScore.submission_id, StageScore.position)
                ).all():
                    stages[stage.submission_id].append(stage)
                yield [(row, stages[row.id]) for row in rows]
                if len(rows) < batch:
                    break
                last = rows[-1]
                after = (last.learner_id, last.created_at, last.id)


_EXPORTED_SUBMISSION_COLUMNS = (
    Submission.id, Submission.learner_id, Submission.attempt_number, Submission.question_id, Submission.framework,
    Submission.rubric_version, Submission.grader, Submission.prompt_version, Submission.model, Submission.overall,
    Submission.created_at,
)
_EXPORTED_STAGE_COLUMNS = (
    StageScore.submission_id, StageScore.stage_id, StageScore.name, StageScore.score, StageScore.coach_score,
    StageScore.coach_reason,
)


def awaiting_review_counts(session: Session, learner_ids: Sequence[int]) -> dict[int, int]:
    if not learner_ids:
        return {}
    no_review = ~exists().where(Review.submission_id == Submission.id)
    rows = session.exec(
        select(Submission.learner_id, func.count())
        .where(col(Submission.learner_id).in_(list(learner_ids)), no_review)
        .group_by(Submission.learner_id)
    ).all()
    return {learner_id: count for learner_id, count in rows}


def activity_by_learner(session: Session, learner_ids: Sequence[int]) -> dict[int, tuple[int, datetime]]:
    """learner id -> (attempts, last activity), aggregated in the database."""
    if not learner_ids:
        return {}
    rows = session.exec(
        select(Submission.learner_id, func.count(), func.max(Submission.created_at))
        .where(col(Submission.learner_id).in_(list(learner_ids)))
        .group_by(Submission.learner_id)
    ).all()
    return {learner_id: (count, last) for learner_id, count, last in rows}


def stage_averages(session: Session, learner_ids: Sequence[int]) -> dict[int, dict[str, dict[str, float]]]:
    """learner id -> framework -> stage id -> mean effective score (coach's where present)."""
    if not learner_ids:
        return {}
    effective = func.coalesce(StageScore.coach_score, StageScore.score)
    rows = session.exec(
        select(Submission.learner_id, Submission.framework, StageScore.stage_id, func.avg(effective))
        .join(StageScore, col(StageScore.submission_id) == Submission.id)
        .where(col(Submission.learner_id).in_(list(learner_ids)))
        .group_by(Submission.learner_id, Submission.framework, StageScore.stage_id)
    ).all()
    result: dict[int, dict[str, dict[str, float]]] = {}
    for learner_id, framework, stage_id, average in rows:
        result.setdefault(learner_id, {}).setdefault(framework, {})[stage_id] = round(float(average), 2)
    return result


# --- reviews ---------------------------------------------------------------------------------


def add_review(session: Session, submission: Submission, coach: User, data: ReviewCreate) -> tuple[Review, list[StageOverride]]:
    """The review, its overrides, the updated effective scores and the audit rows in one transaction.
    The automatic score stays as graded; the override sits beside it."""
    stages = {s.stage_id: s for s in stage_scores_for(session, [submission.id])[submission.id]}
    seen: set[str] = set()
    for override in data.overrides:
        if override.stage_id not in stages:
            raise InvalidReviewError(
                f"overrides: stage {override.stage_id!r} is not a stage of this {submission.framework} grade "
                f"(stages: {', '.join(stages)})"
            )
        if override.stage_id in seen:
            raise InvalidReviewError(f"overrides: stage {override.stage_id!r} appears twice")
        if not override.reason.strip():
            raise InvalidReviewError(f"overrides: stage {override.stage_id!r} needs a reason")
        seen.add(override.stage_id)
    if not data.comment.strip() and not data.overrides:
        raise InvalidReviewError("comment: write a comment or give at least one override")
    try:
        review = Review(submission_id=submission.id, coach_id=coach.id, comment=data.comment)
        session.add(review)
        session.flush()
        rows = []
        for override in data.overrides:
            stage = stages[override.stage_id]
            row = StageOverride(
                review_id=review.id, submission_id=submission.id, stage_id=override.stage_id,
                score=override.score, reason=override.reason.strip(), automatic_score=stage.score,
            )
            session.add(row)
            rows.append(row)
            stage.coach_score, stage.coach_reason = override.score, row.reason
            session.add(stage)
        session.flush()
        record_audit(session, coach, "review.create", "submission", submission.id,
                     {"review_id": review.id, "overrides": [o.model_dump() for o in data.overrides]})
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(review)
    for row in rows:
        session.refresh(row)
    return review, rows


def reviews_for(session: Session, submission_id: int) -> list[tuple[Review, str, list[StageOverride]]]:
    reviews = session.exec(
        select(Review, User.username).join(User, col(User.id) == Review.coach_id)
        .where(Review.submission_id == submission_id).order_by(Review.created_at, Review.id)
    ).all()
    overrides = session.exec(
        select(StageOverride).where(StageOverride.submission_id == submission_id).order_by(StageOverride.id)
    ).all()
    by_review: dict[int, list[StageOverride]] = {}
    for o in overrides:
        by_review.setdefault(o.review_id, []).append(o)
    return [(r, name, by_review.get(r.id, [])) for r, name in reviews]
