"""Reading an answer: sentences with their stage cues, concrete quantities, arithmetic checks, and
what disqualifies them as evidence (text addressed to the grader, bare lists, recited slogans,
monitoring talk)."""

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from hedgehog.grading.arithmetic import ArithmeticCheck, check_arithmetic
from hedgehog.grading.deterministic.patterns import DERIVATION, AskedForPatterns, CompiledRubric, LexiconPatterns, cue_index
from hedgehog.grading.matcher import fold_case
from hedgehog.grading.quantities import Quantity, find_quantities
from hedgehog.grading.text import Sentence, split_sentences, words, words_of_lowered

# [,;:]|\band\b|\bplus\b, written to open with one character class: the regex engine then
# skips ahead to those characters instead of trying three branches at every position.
_LIST_SPLIT = re.compile(r"[,;:ap](?:(?<=[,;:])|(?<=\ba)nd\b|(?<=\bp)lus\b)", re.IGNORECASE)
_BRACKETED = re.compile(r"\[[^\]]{0,3000}\]|\([^)]{0,1500}\)|\{[^}]{0,1500}\}")


@dataclass(eq=False)  # compared by identity: membership tests stay cheap
class SentenceInfo:
    sentence: Sentence
    injected: bool = False
    concrete: list[Quantity] = field(default_factory=list)
    markers: dict[str, int] = field(default_factory=dict)
    groups: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    figure_groups: dict[str, set[str]] = field(default_factory=dict)  # groups shown by a figure's unit alone
    heading: str | None = None  # "Growth: ..." labels the sentence as that stage
    is_list: bool = False
    recital: bool = False
    observability: bool = False
    content_words: set[str] = field(default_factory=set)
    tokens: list[str] = field(default_factory=list)  # lower-case words
    stopwords: frozenset[str] = frozenset()
    ties_back: bool = False
    word_count: int = 0
    derivation: bool = False  # says "so", "=", "times" ... (see works_out())

    @cached_property
    def link_words(self) -> set[str]:
        """Crude stems of every substantive word: linking a fix to its bottleneck may reuse the
        framework's own nouns ("memory", "database") and the question's. Few answers need them."""
        return {_stem(t) for t in self.tokens if len(t) > 3 and t not in self.stopwords}

    @property
    def applied(self) -> bool:
        """Says something about this question, not just framework words."""
        if self.injected or self.is_list or self.recital:
            return False
        if self.observability:
            return False  # monitoring talk neither measures load nor relieves it
        return bool(self.concrete) or len(self.content_words) >= 2


def read_answer(
    answer: str, question_text: str, compiled: CompiledRubric, lex: LexiconPatterns
) -> tuple[list[SentenceInfo], list[ArithmeticCheck], list[str]]:
    sentences = split_sentences(answer)
    infos = [SentenceInfo(s) for s in sentences]
    starts = [s.start for s in sentences]

    def spanning(start: int, end: int) -> list[SentenceInfo]:
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        return [x for x in infos[first:] if x.sentence.start < end and x.sentence.end > start]

    # Cues match within a sentence (a heading's ^ is the sentence's start).
    lowered = fold_case(answer)
    span_index = cue_index(compiled, lex).scan(lowered, [(s.start, s.end) for s in sentences])
    # Text addressed to the grader: the sentence, and any bracketed block around it, is set aside.
    injections = sorted(span_index.whole_text_matches(lex.injection), key=lambda m: m.start())
    for m in injections:
        for info in spanning(m.start(), m.end()):
            info.injected = True
        for block in _BRACKETED.finditer(answer):
            if block.start() <= m.start() < block.end():
                for info in spanning(block.start(), block.end()):
                    info.injected = True

    question_words, question_stems, question_quantities = _question_facts(question_text)
    quantities = find_quantities(answer, lowered)
    owner = span_index.owner  # the sentence of each character, -1 between sentences
    targets = _question_targets(question_text)
    targeted = [cs.stage.id for cs in compiled.stages if cs.stage.marked_by_target] if targets else []
    for q in quantities:
        i = owner[q.start]
        if i < 0:
            continue
        if q.is_concrete and not _restated(q, question_quantities):
            infos[i].concrete.append(q)
        elif targeted and _restated(q, targets):
            for sid in targeted:  # "At 800,000 homes the numbers are ...": the load carried to the target
                infos[i].markers[sid] = max(infos[i].markers.get(sid, 0), 1)
    checks = check_arithmetic(answer, quantities)
    # A figure with the right unit is evidence of its group whatever nouns surround it
    # ("forty installs a week" is traffic even if "installs" is in no vocabulary).
    by_dimension = compiled.groups_by_dimension
    for info in infos:
        for q in info.concrete:
            for sid, gid in by_dimension.get(q.dimension, ()):
                info.figure_groups.setdefault(sid, set()).add(gid)

    for cs in compiled.stages:
        sid = cs.stage.id
        if cs.markers is not None:
            for index, _ in span_index.hits_of(cs.markers):
                infos[index].markers[sid] = infos[index].markers.get(sid, 0) + 1
        for gid, matcher in cs.groups:
            announces = gid in cs.stage.announced_by
            for index, hits in span_index.hit_sets(matcher).items():
                infos[index].groups.setdefault(sid, {})[gid] = hits
                if announces and not infos[index].markers.get(sid):
                    infos[index].markers[sid] = 1
    # "Estimate how many KYC analysts ...": a figure counting analysts is the estimate asked for,
    # though no vocabulary could list every role or thing a question may ask to count.
    counted = _asked_things(question_text, lex.asked_for) if lex.asked_for is not None else frozenset()
    if counted:
        counting = [(cs.stage.id, g.id) for cs in compiled.stages for g in cs.stage.groups if g.counts_asked_for]
        for info in infos:
            for q in info.concrete:
                if q.dimension == "count" and _counts(q, lowered, counted):
                    for sid, gid in counting:
                        info.groups.setdefault(sid, {}).setdefault(gid, set()).add(q.text.strip())

    pieces = span_index.pieces
    for i, piece in enumerate(pieces):
        if compiled.any_heading is not None and compiled.any_heading.match(piece):
            for cs in compiled.stages:
                if cs.heading is not None and cs.heading.match(piece):
                    infos[i].heading = cs.stage.id
    ties = {i for i, _ in span_index.hits_of(lex.tie_phrases)}
    recitals = {i for i, _ in span_index.hits_of(lex.recitals)}
    definitions = {i for i, _ in span_index.hits_of(lex.stage_definitions)}
    # Monitoring words the question itself uses name its subject ("hurricane alerts", "a logging
    # pipeline"), not monitoring talk.
    monitoring = {i for i, hit in span_index.hits_of(lex.observability) if not _asked_about(hit, question_stems)}
    derivations = {i for i, _ in span_index.hits_of(DERIVATION)}
    # Words the question already uses show no application, like numbers it already gives.
    not_content = lex.not_content_words | question_words
    for info, piece in zip(infos, pieces):
        tokens = words_of_lowered(piece)
        info.tokens = tokens
        info.stopwords = lex.stopwords
        info.word_count = len(tokens)
        info.content_words = {t for t in tokens if len(t) > 3 and t not in not_content}
        index = info.sentence.index
        info.ties_back = index in ties
        # A definition recites when it says nothing of its own: "Bottleneck is not the size but
        # the retrieval, when the regulator asks ..." has the shape but names this system's parts.
        info.recital = index in recitals or (
            all(_recited(q, lex) for q in info.concrete)
            and (
                (index in definitions and len(info.content_words) <= 2)
                or _defines_the_framework(tokens, lex, compiled.definition_words)
            )
        )
        info.observability = index in monitoring
        info.derivation = index in derivations
        info.is_list = _is_list(info.sentence.text, piece, info, lex)
    _lend_headers(infos)
    notes = []
    if injections:
        first = injections[0]
        notes.append("Text addressed to the grader was ignored for scoring: " + repr(answer[first.start():first.end()]))
    return infos, checks, notes


def _lend_headers(infos: list[SentenceInfo]) -> None:
    """A short heading or question ("Which gives way first?", "Growth:") frames the sentence that
    answers it: its stage cues count there, where the substance is."""
    # A header lends only what it says itself, and it always can: only an applied sentence is
    # lent to, and an applied sentence is never a header, so no header has been lent to yet.
    for k, header in enumerate(infos):
        if header.applied or header.injected or header.is_list or header.word_count > 8:
            continue
        header_groups, header_markers = header.groups, header.markers
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


@lru_cache(maxsize=256)
def _question_facts(question_text: str) -> tuple[frozenset[str], frozenset[str], tuple[Quantity, ...]]:
    """The question's words, their stems and its figures; a few questions are graded over and over."""
    question_words = frozenset(words(question_text))
    return question_words, frozenset(_stem(w) for w in question_words), tuple(find_quantities(question_text))


# "grow the installed base from 80,000 to 800,000 homes", "will put about 800,000 lifts on the
# platform", "is adding about 20 daily departures": the figure right after "to", "reach", "put" or
# "add" is where the question says load is going.
# ("handle up to 100,000 requests per second" is the load to size for, not growth.)
_TOWARDS = re.compile(
    r"(?:\b(?:grow|grows|growing|grown|rise|rises|rising|increase|increases|increasing|expand|expands|expanding|jump|jumps|"
    r"climb|climbs|go|goes|going|scale|scaling|double|doubles|triple|triples|from [^.;]{1,30}?)\b[^.;]{0,40}?\bto"
    r"|\b(?:reach(?:es|ing)?|put(?:s|ting)?|hit(?:s|ting)?|add(?:s|ing|ed)?|another|an extra|an additional))\s+(?:about |roughly |around |nearly |some |over |almost )?$",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def _question_targets(question_text: str) -> tuple[Quantity, ...]:
    """The question's figures that say what the load grows to or by (not multipliers: "10x" is everywhere)."""
    return tuple(
        q for q in _question_facts(question_text)[2]
        if q.dimension in ("count", "rate") and _TOWARDS.search(question_text, max(0, q.start - 24), q.start)
    )


@lru_cache(maxsize=256)
def _asked_things(question_text: str, asked: AskedForPatterns) -> frozenset[str]:
    return frozenset(_stem(w) for w in asked.counted_things(question_text))


def _counts(q: Quantity, lowered: str, counted: frozenset[str]) -> bool:
    """The figure counts one of the things asked for: "63 analysts", "four triage nurses"."""
    named = words_of_lowered(lowered[q.start:q.end]) + words_of_lowered(_NAME_GOES_ON.match(lowered, q.end).group())[:2]
    return any(_stem(w) in counted for w in named)


# What may still name the counted thing after a figure: words up to punctuation or another figure.
_NAME_GOES_ON = re.compile(r"[^\d,.;:!?()\[\]\n]{0,30}")


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _asked_about(hit: str, question_stems: frozenset[str]) -> bool:
    found = words(hit)
    return bool(found) and all(_stem(w) in question_stems for w in found)


def _restated(q: Quantity, question_quantities: tuple[Quantity, ...]) -> bool:
    """A number the question already gave ("4x", "100,000 requests per second") shows no work."""
    for other in question_quantities:
        same_kind = q.dimension == other.dimension or {q.dimension, other.dimension} <= {"count", "multiplier", "rate"}
        a, b = (q.value, other.value) if q.dimension == other.dimension else (q.number, other.number)
        if same_kind and b and abs(a - b) <= 0.01 * abs(b):
            return True
    return False


def _is_list(text: str, lowered: str, info: SentenceInfo, lex: LexiconPatterns) -> bool:
    """A run of short items that are framework words or technique names, with nothing applied."""
    if len(info.concrete) > 1 and sum(1 for q in info.concrete if not _recited(q, lex)) > 1:
        return False  # two real estimates: this is applied, whatever its shape
    separators = lowered.count(",") + lowered.count(";") + lowered.count(":") + lowered.count("and") + lowered.count("plus")
    if separators < 3:  # plain substrings: never fewer than _LIST_SPLIT finds
        return False  # fewer than four items, whatever they are
    if len(info.content_words) > separators and info.heading is None and not lex.framework_heading.match(text):
        return False  # the last test below, settled before splitting: there are at most separators + 1 items
    items = [i.strip(" .'\"-") for i in _LIST_SPLIT.split(text)]
    items = [i for i in items if i]
    if len(items) < 4:
        return False
    short = [i for i in items if len(i.split()) <= 4]
    if len(short) < 0.7 * len(items):
        return False
    if lex.framework_heading.match(text) or info.heading is not None:
        return True  # "Current load: FTEs, utilisation, workload per head, span of control."
    # "CDN edge capacity fails first, before origin storage; mitigation: adaptive bitrate, ..." is
    # built like a list but names this system's own parts: words outside the vocabulary show it.
    if len(info.content_words) >= len(items):
        return False
    vocab_items = sum(1 for i in short if lex.buzzwords.search(i) or _item_has_cue(i, info))
    return vocab_items >= 0.6 * len(items)


# "Current load: our current traffic, data and resources, stated with numbers or explicit
# assumptions." Nearly every substantive word comes from the rubric's own definitions.
DEFINITION_SHARE = 0.7
_DEFINITION_MIN_WORDS = 6


def _defines_the_framework(tokens: list[str], lex: LexiconPatterns, definition_words: frozenset[str]) -> bool:
    substantive = [t for t in tokens if len(t) > 3 and t not in lex.stopwords]
    if len(substantive) < _DEFINITION_MIN_WORDS:
        return False
    defined = sum(1 for t in substantive if t in definition_words or t in lex.vocabulary_words)
    return defined >= DEFINITION_SHARE * len(substantive)


def _recited(q: Quantity, lex: LexiconPatterns) -> bool:
    figures = lex.recited_figures.get(q.dimension)
    return bool(figures) and any(abs(q.value - v) < 1e-9 for v in figures)


def _item_has_cue(item: str, info: SentenceInfo) -> bool:
    lowered = item.lower()
    return any(hit in lowered or lowered in hit for groups in info.groups.values() for hits in groups.values() for hit in hits)



def works_out(info: SentenceInfo) -> bool:
    """Two or more concrete figures joined by a derivation ("x times y, so z")."""
    return len(info.concrete) >= 2 and info.derivation
