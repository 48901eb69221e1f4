"""Build API responses from stored rows (shared by the submission, learner and coach routers)."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine, Row
from sqlmodel import Session

from hedgehog.api.progress import effective_overall
from hedgehog.api.schemas import EffectiveGrade, EffectiveStage, SubmissionPublic, SubmissionSummary
from hedgehog.db import crud
from hedgehog.db.models import ReviewPublic, StageOverridePublic, Submission, User, as_utc


def submission_public(session: Session, submission: Submission) -> SubmissionPublic:
    stages = crud.stage_scores_for(session, [submission.id])[submission.id]
    learner = session.get(User, submission.learner_id)
    reviews = [
        ReviewPublic(
            id=r.id, submission_id=r.submission_id, coach_id=r.coach_id, coach_username=name, comment=r.comment,
            created_at=r.created_at,
            overrides=[StageOverridePublic(stage_id=o.stage_id, score=o.score, reason=o.reason,
                                           automatic_score=o.automatic_score) for o in overrides],
        )
        for r, name, overrides in crud.reviews_for(session, submission.id)
    ]
    return SubmissionPublic(
        id=submission.id, learner_id=submission.learner_id, learner_username=learner.username if learner else "",
        created_at=submission.created_at, attempt_number=submission.attempt_number, answer=submission.answer,
        grade=crud.grade_document(submission, stages),
        effective=EffectiveGrade(overall=effective_overall(stages), stages=[EffectiveStage.of(s) for s in stages]),
        reviews=reviews,
    )


def submission_summaries(session: Session, submissions: Sequence[Submission]) -> list[SubmissionSummary]:
    ids = [s.id for s in submissions]
    stages = crud.stage_scores_for(session, ids)
    reviewed = crud.reviewed_ids(session, ids)
    return [
        SubmissionSummary(
            id=s.id, learner_id=s.learner_id, created_at=s.created_at, attempt_number=s.attempt_number,
            question_id=s.question_id, question_text=s.question_text, framework=s.framework, grader=s.grader,
            rubric_version=s.rubric_version, overall=s.overall, effective_overall=effective_overall(stages[s.id]),
            reviewed=s.id in reviewed, stages=[EffectiveStage.of(st) for st in stages[s.id]],
        )
        for s in submissions
    ]


EXPORT_COLUMNS = [
    "learner_id", "learner_username", "submission_id", "attempt_number", "question_id", "framework",
    "rubric_version", "grader", "prompt_version", "model", "stage_id", "stage_name", "automatic_score",
    "coach_score", "effective_score", "coach_reason", "overall", "submitted_at",
]


def _safe_cell(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas; a learner's text must stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_response(engine: Engine, learners: Sequence[User], filename: str) -> StreamingResponse:
    """The learners' attempts as CSV, one row per attempt x stage, streamed a batch at a time."""
    usernames = {u.id: u.username for u in learners}
    batches = crud.export_batches(engine, usernames, batch=crud.EXPORT_BATCH)
    # The first batch is read now, inside the request: an unreachable database is still a clean 503.
    first = next(batches, None)

    def body() -> Iterator[str]:
        try:
            yield _csv_lines([EXPORT_COLUMNS])
            if first is not None:
                yield _csv_lines(_export_rows(first, usernames))
            for batch in batches:
                yield _csv_lines(_export_rows(batch, usernames))
        finally:
            batches.close()  # also when the client goes away mid-download

    return StreamingResponse(body(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _export_rows(batch: list[tuple[Row, list[Row]]], usernames: dict[int, str]) -> Iterator[list[object]]:
    for s, stages in batch:
        for st in stages:
            effective = st.coach_score if st.coach_score is not None else st.score
            yield [_safe_cell(v) for v in (
                s.learner_id, usernames.get(s.learner_id, ""), s.id, s.attempt_number, s.question_id or "",
                s.framework, s.rubric_version, s.grader, s.prompt_version or "", s.model or "", st.stage_id, st.name,
                st.score, "" if st.coach_score is None else st.coach_score, effective, st.coach_reason or "",
                s.overall, as_utc(s.created_at).isoformat(),
            )]


def _csv_lines(rows: Iterable[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
