r"""Fast matching of many cue patterns against one answer.

The rubric's cues are hundreds of case-insensitive regexes; running each over an answer is what
the grader would spend most of its time on. Instead, each pattern is read (with Python's own
regex parser) for where its matches can start: a literal prefix ("peak" for \bpeaks?\b), a
sentence's start (^), or a run of digits (\d+...). One Aho-Corasick pass over the lower-cased
answer finds every literal, and the cue's regex is tried only at those places with
`pattern.match`. A cue with no such start runs over the sentences holding a literal that every
match contains, or failing that over every sentence. Either way the matches are exactly what
`finditer` over each sentence would give (tests/grading/test_matcher.py checks it).
"""

import re
from collections.abc import Iterable, Iterator

import ahocorasick

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

_MIN_ANCHOR = 3
# A literal start shorter than this ("the ", "at ") occurs everywhere; it is extended with what
# must follow it when that is at most _MAX_EXTENSIONS literals.
_SHORT_PREFIX = 5
_MAX_EXTENSIONS = 24
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_DIGIT_RUN = re.compile(r"\d+(?=\s*(\S?))")  # a run of digits, and what follows it past any whitespace


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
    """Literals (lower case) one of which every match of `pattern` contains, or None."""
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    found = _anchors(list(parsed))
    if not found or any(len(a) < _MIN_ANCHOR for a in found):
        return None
    return frozenset(found)


# Where a match can start, besides a literal prefix: at a sentence's start (^), at the first
# digit of a run of digits (\d+...), or at its last digit (\d followed by no digit).
SENTENCE_START, DIGITS_START, DIGITS_LAST = "\x00^", "\x00d+", "\x00d$"
# Or a fixed number of characters before a literal ("i.d use": "d use", two back), written
# GAPPED + count + GAPPED + literal.
GAPPED = "\x01"
# Or at a sentence's start whose first word begins with a literal (^\W*(growth|peaks?)...),
# written FIRST_WORD + literal: the literal finds the few sentences worth trying.
FIRST_WORD = "\x02"
_WORD_CHAR = re.compile(r"\w")
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)


def _is_digit_class(op, arg) -> bool:
    return op is _c.IN and arg == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]


def _may_start_with_digit(items: list) -> bool:
    """Whether this sequence can match a digit first, or nothing at all (conservative)."""
    for k, (op, arg) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        rest = items[k + 1:]
        if op is _c.LITERAL:
            return chr(arg).isdigit()
        if op is _c.IN:
            return not all(
                (o is _c.CATEGORY and a in (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_DIGIT))
                or (o is _c.LITERAL and not chr(a).isdigit())
                for o, a in arg
            )
        if op is _c.SUBPATTERN:
            return _may_start_with_digit(list(arg[-1]) + rest)
        if op is _c.BRANCH:
            return any(_may_start_with_digit(list(b) + rest) for b in arg[1])
        if op in _REPEATS:
            low, _, item = arg
            return _may_start_with_digit(list(item) + rest) or (low == 0 and _may_start_with_digit(rest))
        return True
    return True


def _is_space_item(op, arg) -> bool:
    """Whether this item always consumes exactly one whitespace character."""
    if op is _c.LITERAL:
        return chr(arg).isspace()
    if op is _c.IN:
        return all((o is _c.CATEGORY and a is _c.CATEGORY_SPACE) or (o is _c.LITERAL and chr(a).isspace()) for o, a in arg)
    return False


def _first_solid_chars(items: list) -> set[str] | None:
    """The characters (lower case) a match of this sequence can have first after any leading
    whitespace, or None when that is unknown, unlimited or the match may hold no other character."""
    for k, (op, arg) in enumerate(items):
        if op in _ZERO_WIDTH or _is_space_item(op, arg):
            continue  # look-arounds consume nothing; whitespace is skipped over
        rest = items[k + 1:]
        if op is _c.LITERAL:
            return {chr(arg).lower()}
        if op is _c.IN:
            chars: set[str] = set()
            for o, a in arg:
                if o is not _c.LITERAL or chr(a).isspace():
                    return None
                chars.add(chr(a).lower())
            return chars
        if op is _c.SUBPATTERN:
            return _first_solid_chars(list(arg[-1]) + rest)
        if op is _c.BRANCH:
            found: set[str] = set()
            for branch in arg[1]:
                sub = _first_solid_chars(list(branch) + rest)
                if sub is None:
                    return None
                found |= sub
            return found
        if op in _REPEATS:
            low, _, item = arg
            if all(_is_space_item(o, a) for o, a in item):
                continue
            with_item = _first_solid_chars(list(item) + rest)
            if with_item is None or low >= 1:
                return with_item
            without = _first_solid_chars(rest)
            return None if without is None else with_item | without
        return None
    return None


def _after_digits(rest: list) -> frozenset[str] | None:
    """The characters one of which must come first after a whole run of digits (and any
    whitespace) for the rest of the pattern to match there; None when unknown."""
    chars = _first_solid_chars(rest)
    if chars is None or any(c.isdigit() for c in chars):
        return None
    return frozenset(chars)


_Start = tuple[str, bool, frozenset[str] | None]


def _starts(items: list, flags: int, asserted: bool = False, bounded: bool = False) -> set[_Start] | None:
    """Where every match of this sequence starts, as (literal prefix in lower case, whether \b
    precedes it, None) or (one of the markers above, False, the characters that may follow a run of
    digits or None); ("", False, None) when it may start with nothing known; None when unknown."""
    for k, (op, arg) in enumerate(items):
        rest = items[k + 1:]
        if op is _c.AT and arg is _c.AT_BEGINNING and not flags & re.MULTILINE:
            return _first_word_starts(rest, flags) or {(SENTENCE_START, False, None)}
        if op is _c.AT and arg is _c.AT_BOUNDARY:
            bounded = True
            continue
        if op in _ZERO_WIDTH:
            asserted = True
            continue  # look-arounds consume nothing
        if op is _c.LITERAL:
            run = [chr(arg)]
            for op2, arg2 in rest:
                if op2 is not _c.LITERAL:
                    break
                run.append(chr(arg2))
            prefix = "".join(run).lower()
            if len(prefix) < _SHORT_PREFIX:  # "t(wo|hree)", "the (main|key) ": worth extending
                following = _starts(rest[len(run) - 1:], flags)
                if following and all(f and is_literal_start(f) for f, _, _ in following):
                    extensions = _at_most(_MAX_EXTENSIONS, {f for f, _, _ in following})
                    if extensions:
                        return {(prefix + f, bounded, None) for f in extensions}
                if len(prefix) == 1 and prefix.isalnum():  # "i.d use": found by "d use", two back
                    gapped = _gapped_starts(rest[len(run) - 1:], 1, flags)
                    if gapped:
                        return gapped
            return {(prefix, bounded, None)}
        if asserted and _is_digit_class(op, arg) or asserted and op in _REPEATS and _is_digit_class(*arg[2][0]):
            return None  # a look-around before digits may pick a digit mid-run
        if _is_digit_class(op, arg):
            return None if _may_start_with_digit(rest) else {(DIGITS_LAST, False, _after_digits(rest))}
        if op in _REPEATS and arg[0] >= 1 and len(arg[2]) == 1 and _is_digit_class(*arg[2][0]):
            # A match inside a run would also match from the run's first digit.
            return {(DIGITS_START, False, _after_digits(rest))}
        if op is _c.SUBPATTERN:
            return _starts(list(arg[-1]) + rest, flags, asserted, bounded)
        if op is _c.BRANCH:
            found: set[_Start] = set()
            for branch in arg[1]:
                sub = _starts(list(branch) + rest, flags, asserted, bounded)
                if sub is None:
                    return None
                found |= sub
            return found
        if op in _REPEATS:
            low, _, item = arg
            with_item = _starts(list(item) + rest, flags, asserted, bounded)
            if with_item is None:
                return None
            if low >= 1:
                return with_item
            without = _starts(rest, flags, asserted, bounded)
            return None if without is None else with_item | without
        return None  # a class, a wildcard, a group reference ...
    return {("", False, None)}


def _is_non_word_run(op, arg) -> bool:
    """\\W*"""
    return op is _c.MAX_REPEAT and arg[0] == 0 and list(arg[2]) == [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_NOT_WORD)])]


def _first_word_starts(items: list, flags: int) -> set[_Start] | None:
    """After ^: \\W* and then literals that begin with a word character. Such a literal must be
    the sentence's first word, and the match starts at the sentence's start."""
    if not items or not _is_non_word_run(*items[0]):
        return None
    following = _starts(items[1:], flags)
    if not following or any(not f or not is_literal_start(f) or not _is_word_char(f[0]) for f, _, _ in following):
        return None
    return {(FIRST_WORD + f, False, None) for f, _, _ in following}


def _at_most(count: int, literals: set[str]) -> set[str] | None:
    """The literals, cut to a common length where there are too many ("for (any|the) (automated
    |ai )?(scoring|grading)": "for any a", "for the s" ...), or None when even one character is too
    many. Any prefix of a match's start is still where it starts."""
    width = max(len(f) for f in literals)
    while len(literals) > count and width > 1:
        width -= 1
        literals = {f[:width] for f in literals}
    return literals if len(literals) <= count else None


def _gapped_starts(items: list, back: int, flags: int) -> set[_Start] | None:
    """After `back` known characters, single characters of any kind ("i.d": the apostrophe) and then
    literals: every match starts a fixed distance before one of those literals."""
    k = 0
    while k < len(items) and (items[k][0] is _c.ANY or items[k][0] is _c.IN):
        k, back = k + 1, back + 1
    if k == 0:
        return None
    following = _starts(items[k:], flags)
    if not following or len(following) > _MAX_EXTENSIONS or any(
        len(f) < _MIN_ANCHOR or not is_literal_start(f) for f, _, _ in following
    ):
        return None
    return {(f"{GAPPED}{back}{GAPPED}{f}", False, None) for f, _, _ in following}


def is_literal_start(start: str) -> bool:
    """A start the automaton looks up as text: not a sentence start, a run of digits, a gapped
    start or a first word."""
    return not start.startswith(("\x00", GAPPED, FIRST_WORD))


def gapped_start(start: str) -> tuple[int, str] | None:
    """(characters back, literal) of a gapped start, or None for any other kind of start."""
    if not start.startswith(GAPPED):
        return None
    back, literal = start[1:].split(GAPPED, 1)
    return int(back), literal


def _pattern_start_kinds(pattern: str) -> frozenset[_Start] | None:
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    found = _starts(list(parsed), parsed.state.flags)
    if not found or any(s == "" or (len(s) == 1 and s.isalnum()) for s, _, _ in found):
        return None  # unknown, or too common to help (a one-letter prefix)
    return frozenset(found)


def pattern_starts(pattern: str) -> frozenset[str] | None:
    """Where every match of `pattern` starts (see _starts), or None when that is unknown or
    would be too common to help (a one-letter prefix)."""
    found = _pattern_start_kinds(pattern)
    return None if found is None else frozenset(s for s, _, _ in found)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _only_non_word(text: str, start: int, end: int) -> bool:
    """No word character in text[start:end] (\\W* covers it); the first character usually settles it."""
    return not _is_word_char(text[start]) and _WORD_CHAR.search(text, start, end) is None


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


class _Cue:
    """One cue pattern with what the anchor pass needs to know about it."""

    __slots__ = ("regex", "starts", "bounded_starts", "plain_starts", "after_digits", "anchors")

    def __init__(self, pattern: str) -> None:
        flags = re.IGNORECASE if _has_upper_literal(pattern) else 0  # the text is lower-cased already
        self.regex = re.compile(pattern, flags)
        kinds = _pattern_start_kinds(pattern)
        self.starts = None if kinds is None else frozenset(s for s, _, _ in kinds)
        # Literal starts that \b precedes: where a word character comes before, the cue cannot match.
        self.bounded_starts = frozenset(s for s, b, _ in kinds or () if b and _is_word_char(s[0]))
        # For starts at a run of digits: the characters that may follow the run (None: any).
        self.after_digits: dict[str, frozenset[str] | None] = {}
        for kind, _, follow in kinds or ():
            if kind in (DIGITS_START, DIGITS_LAST):
                known = self.after_digits.get(kind, frozenset())
                self.after_digits[kind] = None if follow is None or known is None else known | follow
        self.plain_starts = self.starts is not None and all(is_literal_start(s) for s in self.starts)
        self.anchors = pattern_anchors(pattern)


class CueMatcher:
    """Case-insensitive matching of a list of patterns, as one alternation would, but faster."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = list(patterns)
        self.cues = [_Cue(p) for p in self.patterns]
        self._own_index: CueIndex | None = None

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[re.Match[str]]:
        """Matches over the whole `text` (not kept within sentences); offsets are those of `text`."""
        lowered = fold_case(text) if lowered is None else lowered
        if self._own_index is None:
            self._own_index = CueIndex([], whole_text=[self])
        yield from self._own_index.scan(lowered, []).whole_text_matches(self)

    def find_in_spans(self, scan: "AnswerScan") -> Iterator[tuple[int, str]]:
        """(sentence index, matched text) for every match inside a sentence of the scanned answer."""
        for cue in self.cues:
            yield from scan.hits(cue)


# Case-insensitive regexes match these as ASCII letters (the long s as "s", the dotless and the
# dotted capital i as "i"; the Kelvin sign lowers to "k" by itself): folding them to ASCII keeps
# literal lookups (anchors, dictionaries of units and number words) in step with the regexes.
_ASCII_FOLDS = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i"})


def fold_case(text: str) -> str:
    """Lower case with offsets kept (the few characters whose lower case is longer stay as they
    are), and the letters above folded to ASCII."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    if "\u017f" in lowered or "\u0131" in lowered or "\u0130" in lowered:
        lowered = lowered.translate(_ASCII_FOLDS)
    return lowered


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """What pattern.finditer(text) finds, given (in order) every place a match can start: the
    pattern is tried only there, and a place inside the last match is skipped, as finditer would."""
    found, last_end, match = [], -1, pattern.match
    for start in starts:
        if start < last_end:
            continue
        m = match(text, start)
        if m is not None:
            found.append(m)
            last_end = m.end()
    return found


def fold_key(word: str) -> str:
    """A regex match's text as a dictionary key: "Mbpſ" finds "mbps"."""
    return word.lower() if word.isascii() else word.translate(_ASCII_FOLDS).lower()


class CueIndex:
    """Every cue of a set of matchers behind one Aho-Corasick automaton of their literals."""

    def __init__(self, matchers: list[CueMatcher], whole_text: list[CueMatcher] = ()) -> None:
        """`matchers` match within sentences; `whole_text` matchers over the whole answer."""
        self.cues: list[_Cue] = [c for m in matchers for c in m.cues]  # a cue's id is its place here
        self.ids = {cue: cid for cid, cue in enumerate(self.cues)}
        self.match = [cue.regex.match for cue in self.cues]
        # literal -> (ids of cues it starts after a \b, ids of cues it starts otherwise, ids of cues
        #             that contain it, (whole-text cue, whether a \b precedes) of cues it starts,
        #             (id, characters back) of cues that start a fixed distance before it, ids of
        #             cues it starts as a sentence's first word)
        by_literal: dict[str, tuple[list[int], list[int], list[int], list[tuple[_Cue, bool]], list[tuple[int, int]], list[int]]] = {}
        self.at_sentence_start: list[int] = []
        self.at_digits: list[tuple[int, str, frozenset[str] | None]] = []
        self.scanned: list[int] = []  # cues with no known start: run over sentences
        for cid, cue in enumerate(self.cues):
            if cue.starts is not None:
                for start in cue.starts:
                    gap = gapped_start(start)
                    if gap is not None:
                        by_literal.setdefault(gap[1], ([], [], [], [], [], []))[4].append((cid, gap[0]))
                    elif start.startswith(FIRST_WORD):
                        by_literal.setdefault(start[1:], ([], [], [], [], [], []))[5].append(cid)
                    elif is_literal_start(start):
                        entry = by_literal.setdefault(start, ([], [], [], [], [], []))
                        entry[0 if start in cue.bounded_starts else 1].append(cid)
                if SENTENCE_START in cue.starts:
                    self.at_sentence_start.append(cid)
                self.at_digits += [(cid, kind, follow) for kind, follow in cue.after_digits.items()]
            else:
                self.scanned.append(cid)
                for a in cue.anchors or ():
                    by_literal.setdefault(a, ([], [], [], [], [], []))[2].append(cid)
        self.whole_text_cues = {c for m in whole_text for c in m.cues if c.plain_starts}
        for cue in self.whole_text_cues:
            for start in cue.starts:
                by_literal.setdefault(start, ([], [], [], [], [], []))[3].append((cue, start in cue.bounded_starts))
        self.automaton = ahocorasick.Automaton()
        for literal, (bounded, free, containing, whole, gapped, first_word) in sorted(by_literal.items()):
            # The rarely used lists travel together as None when all are empty: most literals
            # only start cues, and the scan's loop over the answer's literals is its hot path.
            rare = None
            if containing or whole or gapped or first_word:
                rare = (tuple(containing), tuple(whole), tuple(gapped), tuple(first_word))
            self.automaton.add_word(literal, (len(literal) - 1, tuple(bounded), tuple(free), rare))
        if by_literal:
            self.automaton.make_automaton()
        self.empty = not by_literal
        self._matcher_ids: dict[int, tuple[CueMatcher, tuple[int, ...]]] = {}

    def ids_of(self, matcher: CueMatcher) -> tuple[int, ...]:
        """The ids of the matcher's cues in this index (cached: asked for every answer)."""
        cached = self._matcher_ids.get(id(matcher))
        if cached is None or cached[0] is not matcher:
            cached = (matcher, tuple(self.ids[cue] for cue in matcher.cues))
            self._matcher_ids[id(matcher)] = cached
        return cached[1]

    def scan(self, lowered: str, spans: list[tuple[int, int]]) -> "AnswerScan":
        """Match every cue within each (start, end) span: non-empty, in order, not overlapping."""
        return AnswerScan(self, lowered, spans)


class AnswerScan:
    """Every match of every cue of the index in one answer's sentences (lower-cased)."""

    def __init__(self, index: CueIndex, lowered: str, spans: list[tuple[int, int]]) -> None:
        self.lowered = lowered
        self.pieces = pieces = [lowered[a:b] for a, b in spans]
        self._index = index
        starts = [a for a, _ in spans]
        # The sentence each character belongs to (-1 between sentences): a literal counts only
        # when its first and last characters are in the same sentence.
        self.owner = owner = [-1] * len(lowered)
        for i, (a, b) in enumerate(spans):
            owner[a:b] = [i] * (b - a)
        # Every place a cue's match may start, as one integer: cue id x width + position in the
        # answer. Integers sort several times faster than tuples, and the order is the same.
        width = len(lowered) + 1
        candidates: list[int] = []
        add = candidates.append
        held: dict[int, set[int]] = {}  # cue id -> sentences holding a literal every match contains
        whole: dict[_Cue, list[int]] = {}
        if not index.empty:
            for last, (length, bounded, free, rare) in index.automaton.iter(lowered):
                start = last - length
                if rare is not None:
                    for cue, bounded_start in rare[1]:
                        if not (bounded_start and start and _is_word_char(lowered[start - 1])):
                            whole.setdefault(cue, []).append(start)  # (no \b before "rate" in "bitrate")
                i = owner[start]
                if i < 0 or owner[last] != i:
                    continue
                if bounded:
                    before = lowered[start - 1] if start != starts[i] else " "
                    if not (before.isalnum() or before == "_"):  # \b holds before the literal
                        for cid in bounded:
                            add(cid * width + start)
                for cid in free:
                    add(cid * width + start)
                if rare is not None:
                    for cid in rare[0]:
                        held.setdefault(cid, set()).add(i)
                    for cid, back in rare[2]:
                        if start - back >= starts[i]:  # the match would start inside the same sentence
                            add(cid * width + start - back)
                    if rare[3] and (start == starts[i] or _only_non_word(lowered, starts[i], start)):
                        for cid in rare[3]:  # the sentence's first word: try the cue at its start
                            add(cid * width + starts[i])
        for cid in index.at_sentence_start:
            candidates += [cid * width + a for a in starts]
        if index.at_digits:
            runs = self._digit_runs(starts)
            for cid, kind, follow in index.at_digits:
                base = cid * width
                first = kind == DIGITS_START
                # Each cue looks only at the runs followed by a character it can continue with.
                chosen = runs.values() if follow is None else [runs[f] for f in follow if f in runs]
                candidates += [base + (a if first else b - 1) for group in chosen for a, b in group]
        candidates.sort()

        # Try each cue's regex at its places in order, skipping places inside its last match,
        # exactly as finditer over the sentence would.
        results: dict[int, list[tuple[int, re.Match[str]]]] = {}
        match = index.match
        last_cid = last_end = -1
        for key in candidates:
            cid = key // width
            start = key - cid * width
            if cid == last_cid and start < last_end:
                continue
            i = owner[start]
            m = match[cid](pieces[i], start - starts[i])
            if m is not None:
                last_cid, last_end = cid, starts[i] + m.end()
                found = results.get(cid)
                if found is None:
                    results[cid] = [(i, m)]
                else:
                    found.append((i, m))
        for cid in index.scanned:
            regex = index.cues[cid].regex
            if index.cues[cid].anchors is None:
                sentences = range(len(pieces))
            else:
                sentences = sorted(held.get(cid, ()))
            found = [(i, m) for i in sentences for m in regex.finditer(pieces[i])]
            if found:
                results[cid] = found
        self._results = results
        self._whole = whole

    def _digit_runs(self, starts: list[int]) -> dict[str, list[tuple[int, int]]]:
        """Next character but whitespace ("" when the sentence ends first) -> (first digit, end) of
        every run of digits in a sentence followed by it, as positions in the answer."""
        runs: dict[str, list[tuple[int, int]]] = {}
        for piece, base in zip(self.pieces, starts):
            for m in _DIGIT_RUN.finditer(piece):
                a, b = m.span()
                follower = m.group(1)
                found = runs.get(follower)
                if found is None:
                    runs[follower] = [(base + a, base + b)]
                else:
                    found.append((base + a, base + b))
        return runs

    def matches(self, cue: _Cue) -> list[tuple[int, re.Match[str]]]:
        """(sentence index, match in that sentence) for each match of `cue`, as finditer over each
        sentence would find them (^ is the sentence's start)."""
        return self._results.get(self._index.ids[cue], [])

    def hits(self, cue: _Cue) -> list[tuple[int, str]]:
        """(sentence index, matched text) for each match of `cue` inside a sentence."""
        return [(i, m.group()) for i, m in self.matches(cue)]

    def hits_of(self, matcher: CueMatcher) -> list[tuple[int, str]]:
        """(sentence index, matched text) for every match of any of the matcher's cues."""
        results = self._results
        return [(i, m.group()) for cid in self._index.ids_of(matcher) for i, m in results.get(cid, ())]

    def hit_sets(self, matcher: CueMatcher) -> dict[int, set[str]]:
        """Sentence index -> the distinct texts (stripped) the matcher's cues matched there."""
        out: dict[int, set[str]] = {}
        results = self._results
        for cid in self._index.ids_of(matcher):
            for i, m in results.get(cid, ()):
                hit = m.group().strip()
                held = out.get(i)
                if held is None:
                    out[i] = {hit}
                else:
                    held.add(hit)
        return out

    def whole_text_matches(self, matcher: CueMatcher) -> list[re.Match[str]]:
        """Matches of the matcher's cues over the whole answer, as finditer would find them; the
        matcher must have been given to the index as a whole-text one."""
        out = []
        literal_cues, whole = self._index.whole_text_cues, self._whole
        for cue in matcher.cues:
            if cue not in literal_cues:
                out += cue.regex.finditer(self.lowered)  # no literal start: a plain scan
                continue
            starts = whole.get(cue)
            if starts:  # most cues' literals are nowhere in the answer
                out += matches_at(cue.regex, self.lowered, sorted(set(starts)))
        return out
