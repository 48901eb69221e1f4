"""Scoring one stage by the anchors of CONTRACT.md section 2, with its evidence, critique and
what is missing."""

from dataclasses import dataclass

from hedgehog.grading.arithmetic import ArithmeticCheck
from hedgehog.grading.deterministic.patterns import CompiledStage
from hedgehog.grading.deterministic.reading import SentenceInfo, works_out
from hedgehog.grading.deterministic.stages import StageAnalysis
from hedgehog.grading.quantities import Quantity
from hedgehog.grading.rubric import Stage
from hedgehog.grading.text import Sentence

MAX_EVIDENCE = 3
MAX_QUOTE_CHARS = 220
# Excellent is "quantified": at least this share of a figure-stage's own sentences carry figures,
# so a few numbers buried in a paragraph of talk stay Solid.
DENSE_SHARE = 0.5


@dataclass
class StageVerdict:
    score: int
    groups: set[str]
    evidence: list[str]
    missing: list[str]
    extra_critique: list[str]


def score_stage(
    cs: CompiledStage,
    analysis: StageAnalysis,
    analyses: dict[str, StageAnalysis],
    checks: list[ArithmeticCheck],
) -> StageVerdict:
    stage = cs.stage
    sentences = analysis.primary + [s for s in analysis.secondary + analysis.embedded if s not in analysis.primary]
    applied = [s for s in sentences if s.applied]
    groups: set[str] = set()
    concepts: set[str] = set()
    for s in applied:
        for gid, hits in s.groups.get(stage.id, {}).items():
            groups.add(gid)
            concepts |= hits
        groups |= s.figure_groups.get(stage.id, set())
    quantities = [q for s in applied for q in s.concrete]
    content = set().union(*(s.content_words for s in applied)) if applied else set()
    depth = sum(s.word_count for s in applied if s in analysis.primary) or sum(s.word_count for s in applied)
    spans = [(s.sentence.start, s.sentence.end) for s in applied]
    stage_checks = [c for c in checks if any(a <= c.start < b for a, b in spans)]
    wrong = [c for c in stage_checks if not c.consistent]
    worked = bool(stage_checks) or any(works_out(s) for s in applied)

    missing = [g.missing for g in stage.groups if g.id not in groups]
    if stage.quantities_expected and not quantities:
        missing.append("numbers or explicit assumptions")
    extra: list[str] = []

    # A stage's heading ("So the need: 800 kVA ...") says what the sentence is about, as a cue does.
    cued = [s for s in applied if s.groups.get(stage.id) or s.markers.get(stage.id) or s.heading == stage.id]
    if not sentences:
        score = 0
    elif not cued:
        score = 1
    elif len(concepts) <= 1 and not quantities and len(content) < 6:
        score = 1  # a gesture at the stage, nothing applied
    else:
        score = 2
        has_detail = bool(quantities) if stage.quantities_expected else (bool(quantities) or len(content) >= 8)
        required = set(stage.required_for_solid) <= groups and all(
            excellent(check, stage, groups, quantities, worked, analyses, checks, applied)
            for check in stage.solid_checks
        )
        # A stage worked through with several figures is Solid even when one element group goes
        # unnamed; it is not complete, so it stays below Excellent.
        complete = len(groups) >= stage.min_groups_for_solid
        worked_through = len(quantities) >= 3 and worked and len(groups) >= max(1, stage.min_groups_for_solid - 1)
        if (complete or worked_through) and required and has_detail and depth >= 12:
            score = 3
            own = [s for s in applied if s in analysis.primary]
            substantial = depth >= 30 and len(own) >= 2
            dense = not stage.quantities_expected or sum(1 for s in own if s.concrete) >= DENSE_SHARE * len(own)
            if complete and substantial and dense and all(
                excellent(check, stage, groups, quantities, worked, analyses, checks, applied)
                for check in stage.excellence
            ):
                score = 4
    substantive = [
        s for s in applied
        if s in analysis.primary or s in analysis.secondary or s.markers.get(stage.id) or len(s.groups.get(stage.id, {})) >= 2
    ]
    if score > 2 and not substantive:
        score = 2  # only touched in passing inside other stages: thin by definition
    if wrong:
        extra.append("Check the arithmetic: " + "; ".join(c.describe() for c in wrong) + ".")
        if score == 4:
            score = 3
    evidence = _evidence(stage.id, analysis, applied or sentences)
    return StageVerdict(score, groups, evidence, missing if score < 4 else [], extra)


def excellent(
    check: str,
    stage: Stage,
    groups: set[str],
    quantities: list[Quantity],
    worked: bool,
    analyses: dict[str, StageAnalysis],
    checks: list[ArithmeticCheck],
    applied: list[SentenceInfo],
) -> bool:
    if check == "quantified":
        return len(quantities) >= (3 if stage.quantities_expected else 1)
    if check == "worked_arithmetic":
        # A projection's multiplied-out figures are its working, said with or without "so" or "times".
        return worked or 0 < stage.figures_as_working <= len(quantities)
    if check == "groups_covered":
        return len(groups) >= min(len(stage.groups), stage.min_groups_for_solid + 1)
    if check == "prioritised":
        return "first_failure" in groups
    if check == "consistent_arithmetic":
        return not any(not c.consistent for c in checks)
    if check == "linked_to_bottleneck":
        if "first_failure" in groups and "mitigation" in groups:
            return True  # the stage itself pairs the first failure with its mitigation
        bottleneck = analyses.get("bottlenecks")
        if bottleneck is None or stage.id == "bottlenecks":
            return False
        named_first = any("first_failure" in s.groups.get("bottlenecks", {}) for s in bottleneck.primary)
        bottleneck_words = set().union(*(s.link_words for s in bottleneck.primary)) if bottleneck.primary else set()
        mitigation_words = set().union(*(s.link_words for s in applied)) if applied else set()
        ties_back = any(s.ties_back for s in applied)
        return named_first and (ties_back or len(bottleneck_words & mitigation_words) >= 2)
    raise ValueError(f"unknown excellence check {check!r}")


def _evidence(stage_id: str, analysis: StageAnalysis, candidates: list[SentenceInfo]) -> list[str]:
    def weight(s: SentenceInfo) -> tuple[float, int]:
        groups = s.groups.get(stage_id, {})
        strength = 2 * s.markers.get(stage_id, 0) + len(groups) + len(s.concrete) + (1 if s in analysis.primary else 0)
        return (-strength, s.sentence.start)

    chosen = sorted(candidates, key=weight)[:MAX_EVIDENCE]
    chosen.sort(key=lambda s: s.sentence.start)
    return [_quote(s.sentence) for s in chosen]


def _quote(sentence: Sentence) -> str:
    text = sentence.text  # the answer's own characters: evidence is always a verbatim substring
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_QUOTE_CHARS)
    return text[: cut if cut > 40 else MAX_QUOTE_CHARS].rstrip(" ,;:")
