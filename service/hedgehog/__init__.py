"""Hedgehog: stage-by-stage grading of scale & capacity interview answers."""

__version__ = "0.1.0"
