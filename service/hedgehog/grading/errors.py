"""Named errors of the grading core. Every one of them is a refusal of bad input or bad data,
with a message a user can act on; callers map them to exit status 2 or an HTTP 4xx."""


class HedgehogError(Exception):
    """Base class for errors Hedgehog reports to a user."""


class GradingInputError(HedgehogError, ValueError):
    """The request to grade cannot be served as given; nothing is graded or stored."""

    code = "invalid_input"


class EmptyAnswerError(GradingInputError):
    code = "empty_answer"


class AnswerTooLongError(GradingInputError):
    code = "answer_too_long"


class UnreadableTextError(GradingInputError):
    code = "unreadable_text"


class UnknownQuestionError(GradingInputError):
    code = "unknown_question"


class UnknownFrameworkError(GradingInputError):
    code = "unknown_framework"


class RubricError(HedgehogError):
    """A rubric or other data file is malformed; the message names the file and the field."""
