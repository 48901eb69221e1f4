"""Placeholder: the deterministic grader is being written (issue 2)."""

from hedgehog.grading.document import GradeDocument, StageGrade, overall_score


class DeterministicGrader:
    name = "deterministic"

    def grade(self, request) -> GradeDocument:
        stages = [StageGrade(id=s.id, name=s.name, score=0, label="Absent", critique=s.critique.absent) for s in request.rubric.stages]
        return GradeDocument(
            framework=request.framework, rubric_version=request.rubric.rubric_version, grader=self.name,
            question_id=request.question.id, question_text=request.question.text,
            overall=overall_score([s.score for s in stages]), stages=stages, summary="",
        )
