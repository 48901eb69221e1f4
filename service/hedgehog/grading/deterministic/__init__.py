"""The deterministic grader: scores each stage 0-4 by CONTRACT.md section 2's anchors from what the
answer says, using the rubric's vocabulary (rubrics/*.yaml) and the shared lexicon.

How it reads an answer:
1. Split into sentences with exact offsets (evidence is always a verbatim substring).
2. Per sentence: which stage markers and element-group cues it matches, its concrete quantities
   (numbers the question did not already state), whether it is a bare list of framework words
   (keyword stuffing), a recited slogan, monitoring talk, or text addressed to the grader (ignored).
3. Assign sentences to stages with a small Viterbi pass: cues say which stage a sentence is about,
   the answer's order and paragraphs carry a stage through sentences without cues of their own.
4. Score each stage: nothing -> 0; only generic or listed mentions -> 1; applied -> 2; most element
   groups plus a quantity or question-specific detail -> 3; 4 when the rubric's excellence checks
   (quantified, worked arithmetic, prioritised, linked ...) all hold.
5. Caps: keyword stuffing -> at most 1 everywhere; an answer that reframes the question as another
   subject (monitoring, trust, cost, process) and never sizes the load -> at most 1 everywhere; a
   wrong back-of-the-envelope result caps capacity_needs at 2 (and any stage holding it below 4).

Modules, in the order they run: patterns (compiled vocabulary), reading (sentences and what they
say), stages (which sentence is about which stage), scoring (anchors, evidence, critique).
"""

from hedgehog.grading.deterministic.patterns import LexiconPatterns, compile_rubric, lexicon_patterns
from hedgehog.grading.deterministic.reading import SentenceInfo, read_answer
from hedgehog.grading.deterministic.scoring import StageVerdict, score_stage
from hedgehog.grading.deterministic.stages import assign_stages
from hedgehog.grading.document import GradeDocument, StageGrade, overall_score
from hedgehog.grading.lexicon import Lexicon, load_lexicon
from hedgehog.grading.rubric import Rubric

__all__ = ["DeterministicGrader"]


class DeterministicGrader:
    """Rubric-driven, explainable and repeatable: the same input gives the same bytes out."""

    name = "deterministic"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon

    def grade(self, request) -> GradeDocument:  # request: hedgehog.grading.grade.GradeRequest
        lexicon = self._lexicon or load_lexicon()
        return grade_answer(request.answer, request.question, request.rubric, lexicon, self.name)


def grade_answer(answer: str, question, rubric: Rubric, lexicon: Lexicon, grader_name: str) -> GradeDocument:
    compiled = compile_rubric(rubric)
    lex = lexicon_patterns(lexicon)
    infos, checks, notes = read_answer(answer, question.text, compiled, lex)
    word_count = sum(i.word_count for i in infos)  # every word of the answer is in a sentence
    analyses = assign_stages(infos, compiled, compact=word_count < lexicon.brevity.words_for_solid)
    flags: list[str] = []
    if any(i.injected for i in infos):
        flags.append("injection")

    verdicts = {cs.stage.id: score_stage(cs, analyses[cs.stage.id], analyses, checks) for cs in compiled.stages}

    # Keyword stuffing: most of what touches the framework is bare lists or recited slogans.
    cue_sentences = [i for i in infos if not i.injected and (i.groups or i.markers)]
    stuffed = [i for i in cue_sentences if i.is_list or i.recital]
    if cue_sentences and len(stuffed) >= 2 and len(stuffed) >= 0.4 * len(cue_sentences):
        flags.append("keyword_stuffing")
        notes.append("The answer lists framework words and techniques without applying them; every stage is capped at 1.")
        _cap_every_stage(verdicts, 1)

    if _off_topic(infos, lex):
        flags.append("off_topic")
        notes.append("The answer turns the question into another subject and never works the load through; every stage is capped at 1.")
        _cap_every_stage(verdicts, 1)

    wrong = [c for c in checks if not c.consistent]
    if wrong:
        flags.append("arithmetic_error")
        notes.extend(f"Arithmetic: {c.describe()}." for c in wrong)
        if "capacity_needs" in verdicts:
            needs = verdicts["capacity_needs"]
            needs.score = min(needs.score, 2)
            if not any(e.startswith("Check the arithmetic") for e in needs.extra_critique):
                needs.extra_critique.append("Check the arithmetic: " + "; ".join(c.describe() for c in wrong) + ".")

    brevity_cap = 4
    if word_count < lexicon.brevity.words_for_solid:
        brevity_cap = 2
    elif word_count < lexicon.brevity.words_for_excellent:
        brevity_cap = 3
    if brevity_cap < 4:
        notes.append(f"A {word_count}-word answer is short of a full spoken answer (250-320 words): stages are capped at {brevity_cap}.")
        _cap_every_stage(verdicts, brevity_cap)

    anchors = {a.score: a.label for a in rubric.anchors}
    stages = []
    for cs in compiled.stages:
        v = verdicts[cs.stage.id]
        critique = " ".join([cs.stage.critique.for_score(v.score), *v.extra_critique])
        stages.append(
            StageGrade(
                id=cs.stage.id,
                name=cs.stage.name,
                score=v.score,
                evidence=v.evidence if v.score > 0 else [],
                critique=critique,
                missing=v.missing if v.score < 4 else [],
                label=anchors[v.score],
            )
        )
    overall = overall_score([s.score for s in stages], [cs.stage.weight for cs in compiled.stages])
    return GradeDocument(
        framework=rubric.framework,
        rubric_version=rubric.rubric_version,
        grader=grader_name,
        question_id=question.id,
        question_text=question.text,
        overall=overall,
        stages=stages,
        flags=flags,
        summary=summary(stages, overall, rubric, flags),
        notes=notes,
        details={"word_count": word_count, "lexicon_version": lexicon.version},
    )


def _cap_every_stage(verdicts: dict[str, StageVerdict], cap: int) -> None:
    for v in verdicts.values():
        v.score = min(v.score, cap)


def _off_topic(infos: list[SentenceInfo], lex: LexiconPatterns) -> bool:
    rules = lex.off_topic
    if rules is None:
        return False
    live = [i for i in infos if not i.injected]
    # Sums of money price the subject; they do not size its load.
    if sum(q.dimension != "money" for i in live for q in i.concrete) > rules.max_figures:
        return False
    return any(rules.reframes(i.sentence.text) for i in live[: rules.opening_sentences])


def summary(stages: list[StageGrade], overall: int, rubric: Rubric, flags: list[str]) -> str:
    best = max(s.score for s in stages)
    worst = min(s.score for s in stages)
    strongest = [s.name for s in stages if s.score == best]
    weakest = [s.name for s in stages if s.score == worst]
    parts = [f"{overall}/100 on the {rubric.name} ({rubric.rubric_version})."]
    if best == worst:
        parts.append(f"Every stage scores {best} ({stages[0].label if stages else ''}).")
    else:
        parts.append(f"Strongest: {', '.join(strongest)} ({best}/4). Work on: {', '.join(weakest)} ({worst}/4).")
    if "keyword_stuffing" in flags:
        parts.append("Apply each stage to the question instead of listing framework words.")
    if "injection" in flags:
        parts.append("Instructions addressed to the grader were ignored.")
    if "arithmetic_error" in flags:
        parts.append("One of the calculations does not add up.")
    if "off_topic" in flags:
        parts.append("Answer the capacity question that was asked before turning to other concerns.")
    return " ".join(parts)
