"""The deterministic grader's shared vocabulary (`rubrics/lexicon.yaml`), validated and compiled."""

import re
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hedgehog.grading.rubric import _check_patterns, parse_model
from hedgehog.paths import rubrics_dir


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: str
    factor: float
    names: list[str] = Field(min_length=1)
    case_sensitive: list[str] = Field(default_factory=list)


class Brevity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    words_for_solid: int = Field(ge=0)
    words_for_excellent: int = Field(ge=0)


class OffTopic(BaseModel):
    """An answer that opens by reframing the question as another subject (observability, trust,
    cost, process: the study plan's red flags) and never works the load through."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    opening_sentences: int = Field(3, ge=1)
    frames: list[str]  # "the real question is", "I'd frame this as", "..., not throughput"
    subjects: list[str]  # the other subject it turns to
    load_words: list[str]  # words that keep a sentence about load after all
    max_figures: int = Field(6, ge=0)  # an answer with more concrete figures works the load anyway

    @field_validator("frames", "subjects", "load_words")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class AskedFor(BaseModel):
    """How a question names what it asks to count ("Estimate how many KYC analysts ..."): a figure
    counting that thing in the answer is the capacity need itself, whatever the thing is called."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    openers: list[str]  # patterns whose match ends where the counted thing's name begins
    ends: str  # words (space-separated) that end the name: "... analysts it needs"
    max_words: int = Field(6, ge=1)

    @field_validator("openers")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    brevity: Brevity
    recited_figures: dict[str, list[float]] = Field(default_factory=dict)
    injection: list[str]
    buzzwords: list[str]
    framework_terms: list[str]
    recitals: list[str]
    stage_definitions: list[str] = Field(default_factory=list)
    observability: list[str]
    tie_phrases: list[str] = Field(default_factory=list)
    off_topic: OffTopic | None = None
    asked_for: AskedFor | None = None
    stopwords: str
    units: dict[str, Unit]
    number_words: dict[str, float]
    scale_words: dict[str, float]

    @field_validator("injection", "recitals", "stage_definitions", "observability", "tie_phrases")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)

    @property
    def stopword_set(self) -> frozenset[str]:
        return frozenset(self.stopwords.split())


def compile_any(patterns: list[str]) -> re.Pattern[str]:
    """One case-insensitive alternation of the given patterns."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def load_lexicon() -> Lexicon:
    return parse_model(Lexicon, rubrics_dir() / "lexicon.yaml")
