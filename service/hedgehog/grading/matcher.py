"""Fast matching of many cue patterns against one answer.

The rubric's cues are hundreds of case-insensitive alternatives; scanning an answer with all of
them is the grader's main cost. Each cue is compiled on its own and paired with its *anchors*:
literal strings one of which every match must contain (derived from the pattern itself). A cue
whose anchors do not occur in the lower-cased answer cannot match and is skipped with a plain
substring test, which is far cheaper than running the regex.
"""

import bisect
import re

import ahocorasick
from collections.abc import Iterator
from dataclasses import dataclass

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

_MIN_ANCHOR = 3


def _literal_runs(items) -> list[str]:
    runs, current = [], []
    for op, arg in items:
        if op is _c.LITERAL:
            current.append(chr(arg))
        else:
            if current:
                runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _anchors(items) -> set[str] | None:
    """Literals one of which any match of this sequence contains, or None when none are known."""
    candidates: list[set[str]] = []
    runs = [r.lower() for r in _literal_runs(items) if len(r) >= _MIN_ANCHOR]
    if runs:
        candidates.append({max(runs, key=len)})
    for op, arg in items:
        if op is _c.SUBPATTERN:
            sub = _anchors(arg[-1])
            if sub:
                candidates.append(sub)
        elif op is _c.BRANCH:
            branches = [_anchors(b) for b in arg[1]]
            if branches and all(branches):
                candidates.append(set().union(*branches))  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            sub = _anchors(arg[2])
            if sub:
                candidates.append(sub)
    if not candidates:
        return None
    # Prefer the anchor set whose shortest literal is longest: it rules out the most answers.
    return max(candidates, key=lambda s: (min(len(a) for a in s), -len(s)))


def pattern_anchors(pattern: str) -> frozenset[str] | None:
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    found = _anchors(list(parsed))
    if not found or any(len(a) < _MIN_ANCHOR for a in found):
        return None
    return frozenset(found)


def _has_upper_literal(pattern: str) -> bool:
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return True

    def walk(items) -> bool:
        for op, arg in items:
            if op is _c.LITERAL and chr(arg).isupper():
                return True
            if op is _c.SUBPATTERN and walk(arg[-1]):
                return True
            if op is _c.BRANCH and any(walk(b) for b in arg[1]):
                return True
            if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and walk(arg[2]):
                return True
            if op is _c.IN and any(o is _c.LITERAL and chr(a).isupper() for o, a in arg):
                return True
        return False

    return walk(list(parsed))


def split_alternatives(pattern: str) -> list[str]:
    """Top-level alternatives of a pattern (respecting groups, classes and escapes)."""
    parts, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _at_boundary(text: str, pos: int) -> bool:
    """What \\b tests: a word character on exactly one side of `pos`."""
    before = pos > 0 and _is_word_char(text[pos - 1])
    after = pos < len(text) and _is_word_char(text[pos])
    return before != after


@dataclass(frozen=True)
class _Part:
    # A leading \b stops the regex engine from skipping ahead to a literal prefix, which costs
    # most of the time; alternatives that start with \b run without it and are checked after.
    bounded: re.Pattern[str] | None  # alternatives that began with \b, with it removed
    free: re.Pattern[str] | None  # the others, as written

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        if self.bounded is not None:
            for m in self.bounded.finditer(text):
                if _at_boundary(text, m.start()):
                    yield m
        if self.free is not None:
            yield from self.free.finditer(text)


def _part(patterns: list[str]) -> _Part | None:
    if not patterns:
        return None
    bounded, free = [], []
    for pattern in patterns:
        for alternative in split_alternatives(pattern):
            if alternative.startswith("\\b") and not alternative.startswith("\\b|"):
                bounded.append(alternative[2:])
            else:
                free.append(alternative)
    flags = re.IGNORECASE if any(_has_upper_literal(p) for p in patterns) else 0

    def build(parts: list[str]) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{p})" for p in parts), flags) if parts else None

    return _Part(build(bounded), build(free))


class CueMatcher:
    """Case-insensitive matching of a list of patterns, as one alternation would, but faster.

    Each cue runs on its own, only on the sentences that hold one of its anchors; cues without
    anchors run once over the whole text.
    """

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = list(patterns)
        self._cues: list[tuple[_Part, frozenset[str] | None, bool]] = []
        for pattern in patterns:
            part = _part([pattern])
            assert part is not None
            self._cues.append((part, pattern_anchors(pattern), "^" in pattern.replace("[^", "")))
        self.anchors: frozenset[str] = frozenset(a for _, found, _ in self._cues if found for a in found)

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[re.Match[str]]:
        """Matches over the whole `text` (lower-cased); offsets are those of `text`."""
        lowered = text.lower() if lowered is None else lowered
        if len(lowered) != len(text):  # rare Unicode whose lower case changes length: keep offsets exact
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        for part, anchors, _ in self._cues:
            if anchors is None or any(a in lowered for a in anchors):
                yield from part.matches(lowered)

    def find_in_spans(self, index: "SpanIndex") -> Iterator[tuple[int, str]]:
        """(span index, matched text) for matches inside each span (a sentence): ^ is the
        span's start, and a span without any of a cue's anchors is never scanned."""
        for part, anchors, line_start in self._cues:
            if anchors is None:
                if line_start:
                    for i, piece in enumerate(index.pieces):
                        for m in part.matches(piece):
                            yield i, m.group(0)
                else:
                    yield from index.scan_whole(part)  # one pass beats a pass per sentence
                continue
            spans = [index.spans_with(a) for a in anchors]
            candidates = [s for s in spans if s]
            if not candidates:
                continue
            for i in sorted(set().union(*candidates)) if len(candidates) > 1 else sorted(candidates[0]):
                for m in part.matches(index.pieces[i]):
                    yield i, m.group(0)


class AnchorAutomaton:
    """Every anchor of a set of matchers in one Aho-Corasick automaton: one pass over an answer
    tells which sentences hold which anchors."""

    def __init__(self, matchers: list[CueMatcher]) -> None:
        self._automaton = ahocorasick.Automaton()
        for anchor in sorted({a for m in matchers for a in m.anchors}):
            self._automaton.add_word(anchor, anchor)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def occurrences(self, lowered: str) -> Iterator[tuple[int, str]]:
        """(start offset, anchor) for every occurrence."""
        if self._empty:
            return
        for end, anchor in self._automaton.iter(lowered):
            yield end - len(anchor) + 1, anchor


class SpanIndex:
    """One answer's lower-cased sentences, with which sentences hold which anchor."""

    def __init__(self, lowered: str, spans: list[tuple[int, int]], automaton: AnchorAutomaton | None = None) -> None:
        self.lowered = lowered
        self.spans = spans
        self.pieces = [lowered[a:b] for a, b in spans]
        self._starts = [a for a, _ in spans]
        self._complete = automaton is not None
        memo: dict[str, set[int]] = {}
        if automaton is not None:
            for start, anchor in automaton.occurrences(lowered):
                i = bisect.bisect_right(self._starts, start) - 1
                if i >= 0 and start + len(anchor) <= spans[i][1]:
                    memo.setdefault(anchor, set()).add(i)
        self._memo: dict[str, frozenset[int] | set[int]] = dict(memo)

    def scan_whole(self, part: _Part) -> Iterator[tuple[int, str]]:
        for m in part.matches(self.lowered):
            i = bisect.bisect_right(self._starts, m.start()) - 1
            if i >= 0 and m.end() <= self.spans[i][1]:
                yield i, m.group(0)

    def spans_with(self, anchor: str) -> frozenset[int] | set[int]:
        found = self._memo.get(anchor)
        if found is not None:
            return found
        if self._complete:
            return frozenset()  # the automaton saw every anchor: this one does not occur
        hits: set[int] = set()
        pos = self.lowered.find(anchor)
        while pos != -1:
            i = bisect.bisect_right(self._starts, pos) - 1
            if i >= 0 and pos + len(anchor) <= self.spans[i][1]:
                hits.add(i)
            pos = self.lowered.find(anchor, pos + 1)
        self._memo[anchor] = hits
        return hits
