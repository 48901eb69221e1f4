"""The rubric's and lexicon's vocabulary, compiled once per loaded rubric for fast matching."""

import re
from dataclasses import dataclass, field

from hedgehog.grading.lexicon import Lexicon, compile_any
from hedgehog.grading.matcher import CueIndex, CueMatcher
from hedgehog.grading.rubric import Rubric, Stage
from hedgehog.grading.text import words


@dataclass
class CompiledStage:
    stage: Stage
    heading: re.Pattern[str] | None
    markers: CueMatcher | None
    groups: list[tuple[str, CueMatcher]]
    group_weights: dict[str, float]


@dataclass
class CompiledRubric:
    rubric: Rubric
    stages: list[CompiledStage]
    any_heading: re.Pattern[str] | None = None  # matches wherever some stage's heading does
    # The words the rubric itself defines its stages with (what each covers, its concepts): a
    # sentence made of little else recites the framework instead of applying it.
    definition_words: frozenset[str] = frozenset()
    # A figure's dimension -> (stage id, group id) of the groups a figure of that unit shows.
    groups_by_dimension: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


_compiled_cache: dict[int, tuple[Rubric, CompiledRubric]] = {}


def compile_rubric(rubric: Rubric) -> CompiledRubric:
    cached = _compiled_cache.get(id(rubric))
    if cached and cached[0] is rubric:
        return cached[1]
    stages = [
        CompiledStage(
            stage=s,
            heading=_heading_pattern(s.headings) if s.headings else None,
            markers=CueMatcher(s.markers) if s.markers else None,
            groups=[(g.id, CueMatcher(g.cues)) for g in s.groups],
            group_weights={g.id: g.weight for g in s.groups},
        )
        for s in rubric.stages
    ]
    all_headings = [h for s in rubric.stages for h in s.headings]
    definition_text = [rubric.key_principle] + [
        text for s in rubric.stages for text in [s.name, s.covers, *(t for g in s.groups for t in [g.name, *g.concepts])]
    ]
    compiled = CompiledRubric(
        rubric,
        stages,
        _heading_pattern(all_headings) if all_headings else None,
        frozenset(w for text in definition_text for w in words(text)),
        _groups_by_dimension(rubric),
    )
    _compiled_cache[id(rubric)] = (rubric, compiled)
    return compiled


def _groups_by_dimension(rubric: Rubric) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for s in rubric.stages:
        for g in s.groups:
            for dimension in dict.fromkeys(g.quantity_dimensions):
                found.setdefault(dimension, []).append((s.id, g.id))
    return found


# How answers count their sections off: "First, ...", "Step two, ...", "Step 3 - ...".
_COUNTED_OFF = r"first|second|third|fourth|fifth|next|then|finally|lastly|step (?:\d+|one|two|three|four|five|six)"


def _heading_pattern(headings: list[str]) -> re.Pattern[str]:
    # "Growth: ...", "So capacity needs: ...", "## 2. Growth projection", "**Bottlenecks**", "Step two, growth:",
    # "**What we need.** Elementary: ..." (a bold heading closed by its full stop)
    return re.compile(
        rf"^\W*(?:(?:step )?\d+[.):]?\s*)?\W*(?:(?:so|and|now|ok|okay|{_COUNTED_OFF})\b[\s,.:]*)?(?:"
        + "|".join(re.escape(h.lower()) for h in sorted(headings, key=len, reverse=True))
        + r")(?:\W*?(?:[:\-–—]|$)|[.:?]?\*\*(?=\s|$))"
    )


@dataclass(frozen=True)
class LexiconPatterns:
    injection: CueMatcher
    recitals: CueMatcher
    stage_definitions: CueMatcher
    observability: CueMatcher
    vocabulary_words: frozenset[str]
    stopwords: frozenset[str]
    not_content_words: frozenset[str]  # stopwords and the framework's own vocabulary
    buzzwords: re.Pattern[str]
    recited_figures: dict[str, list[float]]
    framework_heading: re.Pattern[str]
    tie_phrases: CueMatcher
    off_topic: "OffTopicPatterns | None" = None
    asked_for: "AskedForPatterns | None" = None


@dataclass(frozen=True)
class AskedForPatterns:
    opener: re.Pattern[str]
    ends: frozenset[str]
    max_words: int

    def counted_things(self, question: str) -> list[str]:
        """The head words of what the question asks to count, lower case: "how many KYC analysts
        and review leads" gives "analysts" and "leads" ("kyc" and "review" only qualify them),
        and the initials answers abbreviate a name to ("teaching assistants": "tas")."""
        names: list[list[str]] = []
        for m in self.opener.finditer(question):
            taken, name = 0, []
            for token in _NAME_TOKEN.findall(question.lower(), m.end()):
                if not token[0].isalpha() or token in self.ends or "'" in token or taken >= self.max_words:
                    break  # punctuation, or a word ("needs", "we'll") that starts the rest of the question
                if token == "and":  # "cubicles and triage nurses": both are counted
                    names.append(name)
                    name = []
                else:
                    name.append(token)
                    taken += 1
            names.append(name)
        things: list[str] = []
        for name in filter(None, names):
            head = name[-1]
            things += [head, head.rsplit("-", 1)[-1]]  # "e-gates", "call-takers": the last part too
            parts = [p for word in name for p in word.split("-") if p][-3:]
            if len(parts) >= 2:
                things.append("".join(p[0] for p in parts) + ("s" if head.endswith("s") else ""))
        return list(dict.fromkeys(things))


_NAME_TOKEN = re.compile(r"[a-z][a-z'-]*|[^\sa-z]")


@dataclass(frozen=True)
class OffTopicPatterns:
    opening_sentences: int
    max_figures: int
    frame: re.Pattern[str]
    subject: re.Pattern[str]
    load: re.Pattern[str]

    def reframes(self, sentence: str) -> bool:
        """Frames the answer as another subject, with no word of load in the same sentence."""
        return bool(self.frame.search(sentence) and self.subject.search(sentence) and not self.load.search(sentence))


_lexicon_cache: dict[int, tuple[Lexicon, LexiconPatterns]] = {}


def lexicon_patterns(lexicon: Lexicon) -> LexiconPatterns:
    cached = _lexicon_cache.get(id(lexicon))
    if cached and cached[0] is lexicon:
        return cached[1]
    vocab_words = {w for term in lexicon.framework_terms + lexicon.buzzwords for w in words(term)}
    patterns = LexiconPatterns(
        injection=CueMatcher(lexicon.injection),
        recitals=CueMatcher(lexicon.recitals),
        stage_definitions=CueMatcher(lexicon.stage_definitions),
        observability=CueMatcher(lexicon.observability),
        vocabulary_words=frozenset(vocab_words),
        stopwords=lexicon.stopword_set,
        not_content_words=lexicon.stopword_set | frozenset(vocab_words),
        buzzwords=compile_any([r"\b" + re.escape(b) + r"\b" for b in lexicon.buzzwords + lexicon.framework_terms]),
        recited_figures=lexicon.recited_figures,
        tie_phrases=CueMatcher(lexicon.tie_phrases),
        off_topic=None if lexicon.off_topic is None else OffTopicPatterns(
            lexicon.off_topic.opening_sentences,
            lexicon.off_topic.max_figures,
            compile_any(lexicon.off_topic.frames),
            compile_any(lexicon.off_topic.subjects),
            compile_any(lexicon.off_topic.load_words),
        ),
        asked_for=None if lexicon.asked_for is None else AskedForPatterns(
            compile_any(lexicon.asked_for.openers),
            frozenset(lexicon.asked_for.ends.split()),
            lexicon.asked_for.max_words,
        ),
        # "Current load:", also counted off ("First, current load:", "Step 2 - growth projection:").
        framework_heading=re.compile(
            rf"^\W*(?:(?:{_COUNTED_OFF})\W+)?(?:"
            + "|".join(re.escape(t) for t in sorted(lexicon.framework_terms, key=len, reverse=True))
            + r")\s*[:\-–—]",
            re.IGNORECASE,
        ),
    )
    _lexicon_cache[id(lexicon)] = (lexicon, patterns)
    return patterns


# A sentence that works something out says "so", "which is", "=", "times" ... Matched with the
# other cues (one pass over the answer), not by a regex search of every sentence.
DERIVATION = CueMatcher([
    r"\b(so|which is|that'?s|that is|is about|is roughly|comes to|gives|means|=|equals|times|divided by|multiplied by)\b|=|×|\*"
])

_indexes: dict[tuple[int, int], tuple[CompiledRubric, LexiconPatterns, CueIndex]] = {}


def cue_index(compiled: CompiledRubric, lex: LexiconPatterns) -> CueIndex:
    """Every cue behind one anchor automaton: all are matched sentence by sentence except text
    addressed to the grader, which may run across sentences."""
    key = (id(compiled), id(lex))
    cached = _indexes.get(key)
    if cached and cached[0] is compiled and cached[1] is lex:
        return cached[2]
    matchers = [lex.recitals, lex.stage_definitions, lex.observability, lex.tie_phrases, DERIVATION]
    for cs in compiled.stages:
        matchers += ([cs.markers] if cs.markers else []) + [m for _, m in cs.groups]
    index = CueIndex(matchers, whole_text=[lex.injection])
    _indexes[key] = (compiled, lex, index)
    return index
