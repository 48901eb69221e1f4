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
5. Caps: keyword stuffing -> at most 1 everywhere; a wrong back-of-the-envelope result caps
   capacity_needs at 2 (and any stage holding it below 4).
"""

import bisect
import re
from dataclasses import dataclass, field

from hedgehog.grading.arithmetic import ArithmeticCheck, check_arithmetic
from hedgehog.grading.document import GradeDocument, StageGrade, overall_score
from hedgehog.grading.lexicon import Lexicon, compile_any, load_lexicon
from hedgehog.grading.matcher import AnchorAutomaton, CueMatcher, SpanIndex
from hedgehog.grading.quantities import Quantity, find_quantities
from hedgehog.grading.rubric import Rubric, Stage
from hedgehog.grading.text import Sentence, split_sentences, words

MAX_EVIDENCE = 3
MAX_QUOTE_CHARS = 220
_LIST_SPLIT = re.compile(r"[,;:]|\band\b|\bplus\b", re.IGNORECASE)
_BRACKETED = re.compile(r"\[[^\]]{0,3000}\]|\([^)]{0,1500}\)|\{[^}]{0,1500}\}")
_DERIVATION = re.compile(
    r"\b(so|which is|that'?s|that is|is about|is roughly|comes to|gives|means|=|equals|times|divided by|multiplied by)\b|=|×|\*",
    re.IGNORECASE,
)


@dataclass
class _CompiledStage:
    stage: Stage
    order: int
    heading: re.Pattern[str] | None
    markers: CueMatcher | None
    groups: list[tuple[str, CueMatcher]]
    group_weights: dict[str, float]


@dataclass
class _CompiledRubric:
    rubric: Rubric
    stages: list[_CompiledStage]


@dataclass(eq=False)  # compared by identity: membership tests stay cheap
class _SentenceInfo:
    sentence: Sentence
    injected: bool = False
    quantities: list[Quantity] = field(default_factory=list)
    concrete: list[Quantity] = field(default_factory=list)
    markers: dict[str, int] = field(default_factory=dict)
    groups: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    figure_groups: dict[str, set[str]] = field(default_factory=dict)  # groups shown by a figure's unit alone
    heading: str | None = None  # "Growth: ..." labels the sentence as that stage
    is_list: bool = False
    recital: bool = False
    observability: bool = False
    content_words: set[str] = field(default_factory=set)
    link_words: set[str] = field(default_factory=set)
    ties_back: bool = False
    word_count: int = 0

    @property
    def applied(self) -> bool:
        """Says something about this question, not just framework words."""
        if self.injected or self.is_list or self.recital:
            return False
        if self.observability:
            return False  # monitoring talk neither measures load nor relieves it
        return bool(self.concrete) or len(self.content_words) >= 2


@dataclass
class _StageAnalysis:
    primary: list[_SentenceInfo] = field(default_factory=list)
    secondary: list[_SentenceInfo] = field(default_factory=list)
    embedded: list[_SentenceInfo] = field(default_factory=list)


_compiled_cache: dict[int, tuple[Rubric, _CompiledRubric]] = {}


def _compile(rubric: Rubric) -> _CompiledRubric:
    cached = _compiled_cache.get(id(rubric))
    if cached and cached[0] is rubric:
        return cached[1]
    stages = [
        _CompiledStage(
            stage=s,
            order=i,
            # "Growth: ...", "So capacity needs: ...", "## 2. Growth projection", "**Bottlenecks**"
            heading=re.compile(
                r"^\W*(?:(?:step )?\d+[.):]?\s*)?\W*(?:(?:so|and|then|now|ok|okay|next|finally|first|lastly)\b[\s,]*)?(?:"
                + "|".join(re.escape(h.lower()) for h in sorted(s.headings, key=len, reverse=True))
                + r")\W*?(?:[:\-–—]|$)"
            )
            if s.headings
            else None,
            markers=CueMatcher(s.markers) if s.markers else None,
            groups=[(g.id, CueMatcher(g.cues)) for g in s.groups],
            group_weights={g.id: g.weight for g in s.groups},
        )
        for i, s in enumerate(rubric.stages)
    ]
    compiled = _CompiledRubric(rubric, stages)
    _compiled_cache[id(rubric)] = (rubric, compiled)
    return compiled


@dataclass(frozen=True)
class _LexiconPatterns:
    injection: CueMatcher
    recitals: CueMatcher
    observability: CueMatcher
    vocabulary_words: frozenset[str]
    stopwords: frozenset[str]
    buzzwords: re.Pattern[str]
    recited_figures: dict[str, list[float]]
    framework_heading: re.Pattern[str]
    tie_phrases: CueMatcher


_lexicon_cache: dict[int, tuple[Lexicon, _LexiconPatterns]] = {}


def _lexicon_patterns(lexicon: Lexicon) -> _LexiconPatterns:
    cached = _lexicon_cache.get(id(lexicon))
    if cached and cached[0] is lexicon:
        return cached[1]
    vocab_words = {w for term in lexicon.framework_terms + lexicon.buzzwords for w in words(term)}
    patterns = _LexiconPatterns(
        injection=CueMatcher(lexicon.injection),
        recitals=CueMatcher(lexicon.recitals),
        observability=CueMatcher(lexicon.observability),
        vocabulary_words=frozenset(vocab_words),
        stopwords=lexicon.stopword_set,
        buzzwords=compile_any([r"\b" + re.escape(b) + r"\b" for b in lexicon.buzzwords + lexicon.framework_terms]),
        recited_figures=lexicon.recited_figures,
        tie_phrases=CueMatcher(lexicon.tie_phrases),
        framework_heading=re.compile(
            r"^\W*(?:" + "|".join(re.escape(t) for t in sorted(lexicon.framework_terms, key=len, reverse=True)) + r")\s*[:\-–—]",
            re.IGNORECASE,
        ),
    )
    _lexicon_cache[id(lexicon)] = (lexicon, patterns)
    return patterns


class DeterministicGrader:
    """Rubric-driven, explainable and repeatable: the same input gives the same bytes out."""

    name = "deterministic"

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon

    def grade(self, request) -> GradeDocument:  # request: hedgehog.grading.grade.GradeRequest
        lexicon = self._lexicon or load_lexicon()
        return _grade(request.answer, request.question, request.rubric, lexicon, self.name)


# ---------------------------------------------------------------------------------------------
# Reading the answer


def _analyse_sentences(
    answer: str, question_text: str, compiled: _CompiledRubric, lex: _LexiconPatterns
) -> tuple[list[_SentenceInfo], list[ArithmeticCheck], list[str]]:
    sentences = split_sentences(answer)
    infos = [_SentenceInfo(s) for s in sentences]
    starts = [s.start for s in sentences]

    def owner(pos: int) -> _SentenceInfo | None:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and pos < sentences[i].end:
            return infos[i]
        return None

    def spanning(start: int, end: int) -> list[_SentenceInfo]:
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        return [x for x in infos[first:] if x.sentence.start < end and x.sentence.end > start]

    # Text addressed to the grader: the sentence, and any bracketed block around it, is set aside.
    lowered = _fold(answer)
    injections = sorted(lex.injection.finditer(answer, lowered), key=lambda m: m.start())
    for m in injections:
        for info in spanning(m.start(), m.end()):
            info.injected = True
        for block in _BRACKETED.finditer(answer):
            if block.start() <= m.start() < block.end():
                for info in spanning(block.start(), block.end()):
                    info.injected = True

    question_words = set(words(question_text))
    question_quantities = find_quantities(question_text)
    quantities = find_quantities(answer)
    for q in quantities:
        info = owner(q.start)
        if info is not None:
            info.quantities.append(q)
            if q.is_concrete and not _restated(q, question_quantities):
                info.concrete.append(q)
    checks = check_arithmetic(answer, quantities)
    # A figure with the right unit is evidence of its group whatever nouns surround it
    # ("forty installs a week" is traffic even if "installs" is in no vocabulary).
    by_dimension = [
        (cs.stage.id, g.id, set(g.quantity_dimensions)) for cs in compiled.stages for g in cs.stage.groups if g.quantity_dimensions
    ]
    for info in infos:
        for q in info.concrete:
            for sid, gid, dims in by_dimension:
                if q.dimension in dims:
                    info.figure_groups.setdefault(sid, set()).add(gid)

    # Cues match within a sentence (a heading's ^ is the sentence's start).
    span_index = SpanIndex(lowered, [(s.start, s.end) for s in sentences], _automaton(compiled, lex))
    for cs in compiled.stages:
        sid = cs.stage.id
        if cs.markers is not None:
            for index, _ in cs.markers.find_in_spans(span_index):
                infos[index].markers[sid] = infos[index].markers.get(sid, 0) + 1
        for gid, matcher in cs.groups:
            for index, hit in matcher.find_in_spans(span_index):
                infos[index].groups.setdefault(sid, {}).setdefault(gid, set()).add(hit.strip())

    for cs in compiled.stages:
        if cs.heading is None:
            continue
        for i, piece in enumerate(span_index.pieces):
            if cs.heading.match(piece):
                infos[i].heading = cs.stage.id
    ties = {i for i, _ in lex.tie_phrases.find_in_spans(span_index)}
    recitals = {i for i, _ in lex.recitals.find_in_spans(span_index)}
    monitoring = {i for i, _ in lex.observability.find_in_spans(span_index)}
    for info in infos:
        text = info.sentence.text
        tokens = words(text)
        info.word_count = len(tokens)
        # Words the question already uses show no application, like numbers it already gives.
        info.content_words = {
            t
            for t in tokens
            if len(t) > 3 and t not in lex.stopwords and t not in lex.vocabulary_words and t not in question_words
        }
        # Crude stems of every substantive word: linking a fix to its bottleneck may reuse the
        # framework's own nouns ("memory", "database") and the question's.
        info.link_words = {_stem(t) for t in tokens if len(t) > 3 and t not in lex.stopwords}
        info.ties_back = info.sentence.index in ties
        info.recital = info.sentence.index in recitals
        info.observability = info.sentence.index in monitoring
        info.is_list = _is_list(text, info, lex)
    _lend_headers(infos)
    notes = []
    if injections:
        first = injections[0]
        notes.append("Text addressed to the grader was ignored for scoring: " + repr(answer[first.start():first.end()]))
    return infos, checks, notes


def _lend_headers(infos: list[_SentenceInfo]) -> None:
    """A short heading or question ("Which gives way first?", "Growth:") frames the sentence that
    answers it: its stage cues count there, where the substance is."""
    original = [({sid: dict(g) for sid, g in i.groups.items()}, dict(i.markers)) for i in infos]  # lend only what a sentence says itself
    for k, (header, (header_groups, header_markers)) in enumerate(zip(infos, original)):
        if header.applied or header.injected or header.is_list or header.word_count > 8:
            continue
        if not (header_groups or header_markers):
            continue
        # The answer to "Which gives way first?" may be a fragment ("Packing is.") and then the substance.
        following = [b for b in infos[k + 1:k + 3] if b.sentence.paragraph == header.sentence.paragraph]
        if following and not following[0].applied and following[0].word_count > 3:
            continue  # "I guess everything, kind of?" answers nothing
        body = next((b for b in following if b.applied), None)
        if body is None:
            continue
        for sid, groups in header_groups.items():
            target = body.groups.setdefault(sid, {})
            for gid, hits in groups.items():
                target[gid] = target.get(gid, set()) | hits
        for sid, count in header_markers.items():
            body.markers[sid] = body.markers.get(sid, 0) + count


def _fold(text: str) -> str:
    """Lower case with offsets kept: the few characters whose lower case is longer stay as they are."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_automata: dict[tuple[int, int], tuple[_CompiledRubric, _LexiconPatterns, AnchorAutomaton]] = {}


def _automaton(compiled: _CompiledRubric, lex: _LexiconPatterns) -> AnchorAutomaton:
    key = (id(compiled), id(lex))
    cached = _automata.get(key)
    if cached and cached[0] is compiled and cached[1] is lex:
        return cached[2]
    matchers = [lex.injection, lex.recitals, lex.observability, lex.tie_phrases]
    for cs in compiled.stages:
        matchers += ([cs.markers] if cs.markers else []) + [m for _, m in cs.groups]
    automaton = AnchorAutomaton(matchers)
    _automata[key] = (compiled, lex, automaton)
    return automaton


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _restated(q: Quantity, question_quantities: list[Quantity]) -> bool:
    """A number the question already gave ("4x", "100,000 requests per second") shows no work."""
    for other in question_quantities:
        same_kind = q.dimension == other.dimension or {q.dimension, other.dimension} <= {"count", "multiplier", "rate"}
        a, b = (q.value, other.value) if q.dimension == other.dimension else (q.number, other.number)
        if same_kind and b and abs(a - b) <= 0.01 * abs(b):
            return True
    return False


def _is_list(text: str, info: _SentenceInfo, lex: _LexiconPatterns) -> bool:
    """A run of short items that are framework words or technique names, with nothing applied."""
    items = [i.strip(" .'\"-") for i in _LIST_SPLIT.split(text)]
    items = [i for i in items if i]
    estimates = [q for q in info.concrete if not _recited(q, lex)]
    if len(items) < 4 or len(estimates) > 1:
        return False
    short = [i for i in items if len(i.split()) <= 4]
    if len(short) < 0.7 * len(items):
        return False
    if lex.framework_heading.match(text):
        return True  # "Current load: FTEs, utilisation, workload per head, span of control."
    vocab_items = sum(1 for i in short if lex.buzzwords.search(i) or _item_has_cue(i, info))
    # "CDN edge capacity fails first, before origin storage; mitigation: adaptive bitrate, ..." is
    # built like a list but names this system's own parts: words outside the vocabulary show it.
    specific = len(info.content_words) >= len(items)
    return vocab_items >= 0.6 * len(items) and not specific


def _recited(q: Quantity, lex: _LexiconPatterns) -> bool:
    return any(abs(q.value - v) < 1e-9 for v in lex.recited_figures.get(q.dimension, ()))


def _item_has_cue(item: str, info: _SentenceInfo) -> bool:
    lowered = item.lower()
    return any(hit in lowered or lowered in hit for groups in info.groups.values() for hits in groups.values() for hit in hits)


# ---------------------------------------------------------------------------------------------
# Which sentences talk about which stage


_NONE_EMISSION = 0.9
_STAY_PARAGRAPH = 1.8
_STAY_ACROSS = 0.4
_BACKWARD = -2.0
_SKIP_AHEAD = -0.3
_SECONDARY_THRESHOLD = 3.0
_OPENING_MARKER = 1.1
_HEADING = 8.0


def _emission(info: _SentenceInfo, cs: _CompiledStage) -> float:
    if info.injected:
        return 0.0
    sid = cs.stage.id
    if info.heading is not None:
        return _HEADING if info.heading == sid else 0.0  # the answer says which stage this is
    groups = info.groups.get(sid)
    markers = min(info.markers.get(sid, 0), 2)
    if not groups:
        return 2.2 * markers
    hits = sum(len(v) for v in groups.values())
    cues = sum(cs.group_weights[g] for g in groups) + 0.3 * min(hits - len(groups), 3)
    return 2.2 * markers + cs.stage.cue_weight * cues


def _assign_stages(infos: list[_SentenceInfo], compiled: _CompiledRubric) -> dict[str, _StageAnalysis]:
    stage_ids = [cs.stage.id for cs in compiled.stages]
    n_states = len(stage_ids) + 1  # last state: the sentence is about no stage
    none = n_states - 1
    analyses = {sid: _StageAnalysis() for sid in stage_ids}
    if not infos:
        return analyses
    emissions = [[_emission(info, cs) for cs in compiled.stages] + [_NONE_EMISSION] for info in infos]
    # A paragraph's opening sentence usually announces its stage: its markers weigh more.
    for i, info in enumerate(infos):
        if i == 0 or info.sentence.paragraph != infos[i - 1].sentence.paragraph:
            for k, cs in enumerate(compiled.stages):
                emissions[i][k] += _OPENING_MARKER * min(info.markers.get(cs.stage.id, 0), 2)

    def transition(prev: int, cur: int, same_paragraph: bool) -> float:
        if prev == none or cur == none:
            return 0.0
        if prev == cur:
            return _STAY_PARAGRAPH if same_paragraph else _STAY_ACROSS
        if cur < prev:
            return _BACKWARD
        return _SKIP_AHEAD * (cur - prev - 1)

    score = list(emissions[0])
    back: list[list[int]] = []
    for i in range(1, len(infos)):
        same = infos[i].sentence.paragraph == infos[i - 1].sentence.paragraph
        row, ptr = [], []
        for cur in range(n_states):
            best, arg = max((score[p] + transition(p, cur, same), p) for p in range(n_states))
            # A sentence with no cue of its own may only continue a stage, never start one.
            row.append(best + emissions[i][cur])
            ptr.append(arg)
        score = row
        back.append(ptr)
    state = max(range(n_states), key=lambda s: (score[s], -s))
    path = [state]
    for ptr in reversed(back):
        state = ptr[state]
        path.append(state)
    path.reverse()

    collects_totals = {cs.stage.id for cs in compiled.stages if cs.stage.collects_worked_totals}
    for info, state, em in zip(infos, path, emissions, strict=True):
        if info.injected:
            continue
        if state != none and (em[state] > 0 or _continues(info)):
            analyses[stage_ids[state]].primary.append(info)
        for k, sid in enumerate(stage_ids):
            if k == state:
                continue
            # A second stage claims the sentence when the sentence announces it, or when the
            # stage is where worked estimates belong and the sentence works one out.
            announced = em[k] >= _SECONDARY_THRESHOLD and (info.markers.get(sid) or len(info.groups.get(sid, {})) >= 2)
            worked_total = sid in collects_totals and info.groups.get(sid) and _works_out(info)
            if announced or worked_total:
                analyses[sid].secondary.append(info)

    # A stage never addressed on its own may still surface inside others ("the retries pile on
    # top" within a bottleneck); repeated, applied mentions count as embedded evidence.
    distinctive = {cs.stage.id for cs in compiled.stages if cs.stage.cue_weight >= 1}
    # Only groups of full weight speak for the stage on their own: component nouns and mitigation
    # words inside a calculation are not a bottleneck analysis.
    telling = {cs.stage.id: {g.id for g in cs.stage.groups if g.weight >= 1} for cs in compiled.stages}
    for sid, analysis in analyses.items():
        if analysis.primary or analysis.secondary or sid not in distinctive:
            continue
        embedded = [i for i in infos if not i.injected and i.applied and i.groups.get(sid)]
        if not any(telling[sid] & set(i.groups[sid]) for i in embedded):
            continue
        if len(embedded) >= 2 or any(len(i.groups[sid]) >= 2 for i in embedded):
            analysis.embedded = embedded
    return analyses


def _works_out(info: _SentenceInfo) -> bool:
    """Two or more concrete figures joined by a derivation ("x times y, so z")."""
    return len(info.concrete) >= 2 and bool(_DERIVATION.search(info.sentence.text))


def _continues(info: _SentenceInfo) -> bool:
    """A cue-less sentence carries its paragraph's stage when it adds numbers or substance."""
    return bool(info.concrete) or len(info.content_words) >= 3


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass
class _StageVerdict:
    score: int
    groups: set[str]
    evidence: list[str]
    missing: list[str]
    extra_critique: list[str]


def _score_stage(
    cs: _CompiledStage,
    analysis: _StageAnalysis,
    analyses: dict[str, _StageAnalysis],
    checks: list[ArithmeticCheck],
    answer: str,
) -> _StageVerdict:
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
    worked = bool(stage_checks) or any(
        len(s.concrete) >= 2 and _DERIVATION.search(s.sentence.text) for s in applied
    )

    missing = [g.missing for g in stage.groups if g.id not in groups]
    if stage.quantities_expected and not quantities:
        missing.append("numbers or explicit assumptions")
    extra: list[str] = []

    cued = [s for s in applied if s.groups.get(stage.id) or s.markers.get(stage.id)]
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
            _excellent(check, stage, groups, quantities, worked, analyses, checks, applied)
            for check in stage.solid_checks
        )
        if len(groups) >= stage.min_groups_for_solid and required and has_detail and depth >= 12:
            score = 3
            substantial = depth >= 40 and sum(1 for s in applied if s in analysis.primary) >= 2
            if substantial and all(
                _excellent(check, stage, groups, quantities, worked, analyses, checks, applied)
                for check in stage.excellence
            ):
                score = 4
    substantive = [
        s for s in applied
        if s in analysis.primary or s.markers.get(stage.id) or len(s.groups.get(stage.id, {})) >= 2
    ]
    if score > 2 and not substantive:
        score = 2  # only touched in passing inside other stages: thin by definition
    if wrong:
        extra.append("Check the arithmetic: " + "; ".join(c.describe() for c in wrong) + ".")
        if score == 4:
            score = 3
    evidence = _evidence(stage.id, analysis, applied or sentences, answer)
    return _StageVerdict(score, groups, evidence, missing if score < 4 else [], extra)


def _excellent(
    check: str,
    stage: Stage,
    groups: set[str],
    quantities: list[Quantity],
    worked: bool,
    analyses: dict[str, _StageAnalysis],
    checks: list[ArithmeticCheck],
    applied: list[_SentenceInfo],
) -> bool:
    if check == "quantified":
        return len(quantities) >= (3 if stage.quantities_expected else 1)
    if check == "worked_arithmetic":
        return worked
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


def _evidence(stage_id: str, analysis: _StageAnalysis, candidates: list[_SentenceInfo], answer: str) -> list[str]:
    def weight(s: _SentenceInfo) -> tuple[float, int]:
        groups = s.groups.get(stage_id, {})
        strength = 2 * s.markers.get(stage_id, 0) + len(groups) + len(s.concrete) + (1 if s in analysis.primary else 0)
        return (-strength, s.sentence.start)

    chosen = sorted(candidates, key=weight)[:MAX_EVIDENCE]
    chosen.sort(key=lambda s: s.sentence.start)
    return [_quote(s.sentence, answer) for s in chosen]


def _quote(sentence: Sentence, answer: str) -> str:
    text = answer[sentence.start:sentence.end]
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_QUOTE_CHARS)
    return text[: cut if cut > 40 else MAX_QUOTE_CHARS].rstrip(" ,;:")


def _grade(answer: str, question, rubric: Rubric, lexicon: Lexicon, grader_name: str) -> GradeDocument:
    compiled = _compile(rubric)
    lex = _lexicon_patterns(lexicon)
    infos, checks, notes = _analyse_sentences(answer, question.text, compiled, lex)
    analyses = _assign_stages(infos, compiled)
    flags: list[str] = []
    if any(i.injected for i in infos):
        flags.append("injection")

    verdicts = {cs.stage.id: _score_stage(cs, analyses[cs.stage.id], analyses, checks, answer) for cs in compiled.stages}

    # Keyword stuffing: most of what touches the framework is bare lists or recited slogans.
    cue_sentences = [i for i in infos if not i.injected and (i.groups or i.markers)]
    stuffed = [i for i in cue_sentences if i.is_list or i.recital]
    if cue_sentences and len(stuffed) >= 2 and len(stuffed) >= 0.4 * len(cue_sentences):
        flags.append("keyword_stuffing")
        notes.append("The answer lists framework words and techniques without applying them; every stage is capped at 1.")
        for v in verdicts.values():
            v.score = min(v.score, 1)

    wrong = [c for c in checks if not c.consistent]
    if wrong:
        flags.append("arithmetic_error")
        notes.extend(f"Arithmetic: {c.describe()}." for c in wrong)
        if "capacity_needs" in verdicts:
            needs = verdicts["capacity_needs"]
            needs.score = min(needs.score, 2)
            if not any(e.startswith("Check the arithmetic") for e in needs.extra_critique):
                needs.extra_critique.append("Check the arithmetic: " + "; ".join(c.describe() for c in wrong) + ".")

    word_count = len(words(answer))
    brevity_cap = 4
    if word_count < lexicon.brevity.words_for_solid:
        brevity_cap = 2
    elif word_count < lexicon.brevity.words_for_excellent:
        brevity_cap = 3
    if brevity_cap < 4:
        notes.append(f"A {word_count}-word answer is short of a full spoken answer (250-320 words): stages are capped at {brevity_cap}.")
        for v in verdicts.values():
            v.score = min(v.score, brevity_cap)

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
        summary=_summary(stages, overall, rubric, flags),
        notes=notes,
        details={"word_count": word_count, "lexicon_version": lexicon.version},
    )


def _summary(stages: list[StageGrade], overall: int, rubric: Rubric, flags: list[str]) -> str:
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
    return " ".join(parts)
