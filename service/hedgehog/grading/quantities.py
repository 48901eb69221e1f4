"""Concrete quantities in free text: numbers (digits or words, with k/M/B/T and million/billion
suffixes) with their units (rps, Mbps, GB, %, x, users ...), normalised to base units so that
back-of-the-envelope arithmetic can be checked. Unit and number vocabularies come from the lexicon."""

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple
from functools import cache

import ahocorasick

from hedgehog.grading.lexicon import load_lexicon
from hedgehog.grading.matcher import fold_case, fold_key, matches_at

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_ATTACHED_SCALE = {"k": 1e3, "K": 1e3, "M": 1e6, "MM": 1e6, "m": 1e6, "B": 1e9, "bn": 1e9, "Bn": 1e9, "T": 1e12}
_PER_TIME = re.compile(
    r"\s*(?:per|a|an|each|every|/)\s*(second|sec|s|minute|min|hour|hr|h|day|workday|week|month|year)\b", re.IGNORECASE
)
_NOUN = re.compile(r"\s*(?:more |new |extra |active |concurrent |average |daily |monthly |additional )?([A-Za-z][A-Za-z-]{2,})")
TIME_SECONDS = {"second": 1, "sec": 1, "s": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "h": 3600,
                "day": 86400, "workday": 86400, "week": 604800, "month": 2592000, "quarter": 7776000,
                "year": 31536000}


class Quantity(NamedTuple):  # a named tuple: answers hold dozens and building them is the hot path
    start: int
    end: int
    text: str
    number: float  # the number as written, scale words applied (2M -> 2e6)
    value: float  # in base units of its dimension
    dimension: str  # bytes, bitrate, rate, percent, multiplier, time, money, count
    noun: str | None = None
    vague: bool = False  # "a few thousand", "a couple of megabytes": a gesture at a size, not an estimate
    period: float | None = None  # for rates and data per period: the period as written, in seconds ("a day" -> 86400)

    @property
    def is_concrete(self) -> bool:
        """A small bare count ("about 3") says little; units, nouns and larger figures are concrete."""
        if self.vague:
            return False
        return self.dimension != "count" or self.noun is not None or self.number >= 10


@dataclass(frozen=True)
class _Vocabulary:
    unit_pattern: re.Pattern[str]
    unit_by_name: dict[str, tuple[str, float]]
    word_number: re.Pattern[str]
    word_number_starts: ahocorasick.Automaton  # number words other than "a ..."/"an ..."
    number_words: dict[str, float]
    scale_words: dict[str, float]
    stopwords: frozenset[str]
    not_nouns: frozenset[str]  # stopwords and operator words: "5 times", "10 of"


@cache
def _vocabulary() -> _Vocabulary:
    lexicon = load_lexicon()
    unit_by_name: dict[str, tuple[str, float]] = {}
    for unit in lexicon.units.values():
        for name in unit.names:
            unit_by_name[name.lower()] = (unit.dimension, unit.factor)
    unit_pattern = re.compile(rf"\s?-?\s?({_trie_alternation(list(unit_by_name))})", re.IGNORECASE)
    words = sorted(lexicon.number_words, key=len, reverse=True)
    scales = sorted((w for w in lexicon.scale_words if len(w) > 2), key=len, reverse=True)
    word_number = re.compile(
        rf"(?<![\w-])({'|'.join(re.escape(w) for w in words)})(?:[\s-]+({'|'.join(scales)}))?(?![\w-])",
        re.IGNORECASE,
    )
    starts = ahocorasick.Automaton()
    for word in words:
        if not _ARTICLE_WORD.match(word.lower()):
            starts.add_word(word.lower(), len(word))
    starts.make_automaton()
    return _Vocabulary(
        unit_pattern,
        unit_by_name,
        word_number,
        starts,
        {k.lower(): v for k, v in lexicon.number_words.items()},
        {k.lower(): v for k, v in lexicon.scale_words.items()},
        lexicon.stopword_set,
        lexicon.stopword_set | _OPERATOR_WORDS,
    )


def _trie_alternation(names: list[str]) -> str:
    """The names as one regex shaped like a trie: it picks the longest name that fits, as a
    longest-first alternation would, but gives up at the first character that fits none.
    Names must end at a word boundary, except symbols (% and /s)."""
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name.lower():
            node = node.setdefault(ch, {})
        node[""] = name[-1].isalnum()

    def render(node: dict) -> str:
        options = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            options.append(r"(?![A-Za-z])" if node[""] else "")  # ending here comes last: longer first
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return render(trie)


# "a"/"an" open many number words ("a few", "a million"); they count only before a space or
# hyphen, which a plain scan finds far faster than the number-word pattern can.
_ARTICLE_WORD = re.compile(r"an?(?: |$)")
_ARTICLE = re.compile(r"an?[\s-]")

_NUMBER = re.compile(
    rf"(?<![\w.$£€])([$£€]\s?)?({_DIGITS}(?:[eE]\+?\d{{1,2}}(?![\w.]))?)(?:\s?(thousand|million|billion|trillion|hundred)\b|(k|K|MM|M|m|Bn|bn|B|T)(?![A-Za-z])"
    # Scientific notation in words: "8.4 times 10 to the 22", "3 x 10^9"
    r"|\s*(?:times|x|×)\s*10\s*(?:to the (?:power of )?|\^|\*\*)\s*(\d{1,2})(?:st|nd|rd|th)?\b)?"
)
# "x3": the x first lets the regex engine skip ahead to it; the look-behind then checks what precedes it.
# Where _NUMBER can start: a digit or currency sign after neither a word character, a point nor a currency sign.
_NUMBER_START = re.compile(r"[\d$£€](?<![\w.$£€][\d$£€])")
_PREFIX_MULTIPLIER = re.compile(rf"[x×](?<!\w[x×])({_DIGITS})(?![\w.])")
_OPERAND_FOLLOWS = re.compile(
    r"\s*(?:about |roughly |around |approximately |~)?(?:\d|[$£€]|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a hundred) ?(?:thousand|million|billion|trillion|hundred|kilo|mega|giga|tera|peta)?\w*\b)",
    re.IGNORECASE,
)
_VAGUE_WORDS = frozenset({"a few", "a couple", "a couple of"})
_OPERATOR_WORDS = frozenset({"times", "multiplied", "divided", "plus", "minus", "over", "per", "each"})
_YEAR = re.compile(r"^(19|20)\d\d$")
# A number word right after an operator is a factor, noun or not ("52 times six").
_OPERATOR_BEFORE = re.compile(r"(?:\d|\d\s?[a-z%]+)\s*(?:times|x|×|\*|divided by|multiplied by)\s*$", re.IGNORECASE)
_ARTICLES = frozenset({"a", "an"}) | _VAGUE_WORDS


def find_quantities(text: str, lowered: str | None = None) -> list[Quantity]:
    """`lowered`: fold_case(text), when the caller has it already."""
    vocab = _vocabulary()
    found: list[Quantity] = []
    claimed = bytearray(len(text) + 1)  # characters already part of a quantity
    size = len(text)

    for m in _PREFIX_MULTIPLIER.finditer(text):
        start, end = m.span()
        number = float(m.group(1).replace(",", ""))
        found.append(Quantity(start, end, m.group(0), number, number, "multiplier"))
        claimed[start:end] = b"\x01" * (end - start)

    for m in _numbers(text):
        start, end = m.span()
        if claimed.find(1, start, end) != -1:
            continue
        dollar, digits, scale_word, scale_suffix, exponent = m.groups()
        number = float(digits.replace(",", "")) if "," in digits else float(digits)
        if exponent:
            number *= 10 ** int(exponent)
        if scale_word:
            number *= vocab.scale_words[fold_key(scale_word)]
        elif scale_suffix:
            number *= _ATTACHED_SCALE[scale_suffix]
        if end < size and not scale_suffix and text[end].isalpha():
            # 10x / 5Mbps / 3MB attach directly; 12th, 720p, 4K-as-resolution do not count.
            unit = vocab.unit_pattern.match(text, end)
            if not unit or (unit.end() < size and text[unit.end()].isalpha()):
                continue
        if dollar:
            q = Quantity(start, end, text[start:end], number, number, "money")
        else:
            q = _with_unit(text, start, end, number, vocab)
            if q is None:
                continue
        found.append(q)
        claimed[q.start:q.end] = b"\x01" * (q.end - q.start)

    for m in _word_numbers(text, vocab, fold_case(text) if lowered is None else lowered):
        start, end = m.span()
        if claimed.find(1, start, end) != -1:
            continue
        word, scale = fold_key(m.group(1)), fold_key(m.group(2) or "")
        number = vocab.number_words[word] * (vocab.scale_words[scale] if scale else 1)
        q = _with_unit(text, start, end, number, vocab, from_words=not scale, word=word)
        if q is None and word not in _ARTICLES and _OPERATOR_BEFORE.search(text, max(0, start - 16), start):
            q = Quantity(start, end, text[start:end], number, number, "count")  # "52 times six": a factor
        if q is not None:
            if word in _VAGUE_WORDS:
                q = q._replace(vague=True)
            found.append(q)
            claimed[q.start:q.end] = b"\x01" * (q.end - q.start)
    found.sort(key=_START)
    return found


_START = itemgetter(0)  # Quantity.start


def _numbers(text: str) -> list[re.Match[str]]:
    """What _NUMBER.finditer(text) finds, trying it only where a number can start."""
    return matches_at(_NUMBER, text, (m.start() for m in _NUMBER_START.finditer(text)))


def _word_numbers(text: str, vocab: _Vocabulary, lowered: str) -> list[re.Match[str]]:
    """What vocab.word_number.finditer(text) finds, trying the pattern only where a number word
    starts. A bare "a" not followed by a space or hyphen is skipped: it can never be a quantity."""
    candidates = [m.start() for m in _ARTICLE.finditer(lowered)]
    candidates += [end - length + 1 for end, length in vocab.word_number_starts.iter(lowered)]
    candidates.sort()
    return matches_at(vocab.word_number, text, candidates)


def _per_time(text: str, pos: int) -> tuple[int, int] | None:
    """(end, seconds) of "per second", "a day", "/month" ... right at `pos`, or None."""
    per = _PER_TIME.match(text, pos)
    return None if per is None else (per.end(), TIME_SECONDS[fold_key(per.group(1))])


def _with_unit(
    text: str, start: int, end: int, number: float, vocab: _Vocabulary, from_words: bool = False, word: str = ""
) -> Quantity | None:
    if word == "twice":
        return Quantity(start, end, text[start:end], 2, 2, "multiplier")
    unit = vocab.unit_pattern.match(text, end)
    if unit:
        name = unit.group(1).lower()
        if name not in vocab.unit_by_name:
            name = fold_key(unit.group(1))  # "Mbpſ": the regex matched it case-insensitively as "mbps"
        dimension, factor = vocab.unit_by_name[name]
        if name in {"x", "×", "times"} and _OPERAND_FOLLOWS.match(text, end + len(unit.group(0))):
            unit = None  # "10 x 5", "180k times 5 Mbps": an operator, not a multiplier
        elif name in {"s", "h", "min", "sec"} and unit.group(0).startswith(" "):
            unit = None  # "5 s" rarely; "3 h" rarely — avoid reading "a" words as units
        else:
            stop = end + len(unit.group(0))
            if from_words and word in {"a", "an"} and dimension not in {"bytes", "bitrate"}:
                return None
            if dimension == "time" and from_words and word in {"a", "an"}:
                return None
            period = 1.0 if dimension == "rate" else None  # rate units are all per second
            if dimension == "bytes":
                # "50 TB a month", "1.7 GB per day": data accumulated per period. The figure stays an
                # amount of data for the rubric's groups; the period lets arithmetic check it as a rate.
                per = _per_time(text, stop)
                if per:
                    stop, period = per
            return Quantity(start, stop, text[start:stop], number, number * factor, dimension, period=period)
    if from_words and word in {"a", "an", "a few", "a couple", "a couple of", "one", "half", "a half", "a third", "a quarter"}:
        return None  # "a car", "one cashier": not a quantity worth counting
    per = _per_time(text, end)
    if per and not from_words:  # "96 an hour", "22 a second"
        stop, seconds = per
        return Quantity(start, stop, text[start:stop], number, number / seconds, "rate", period=seconds)
    noun_match = _NOUN.match(text, end)
    noun = None
    stop = end
    if noun_match and noun_match.group(1).lower() not in vocab.not_nouns:
        noun = noun_match.group(1).lower()
        stop = noun_match.end()
    elif from_words:
        return None
    if noun is None and end - start == 4 and _YEAR.match(text[start:end]):  # "in 2019"; "2,000 times 300" is no year
        return None
    per = _per_time(text, stop)
    if per and noun is not None:
        stop, seconds = per
        return Quantity(start, stop, text[start:stop], number, number / seconds, "rate", noun, period=seconds)
    return Quantity(start, stop, text[start:stop], number, number, "count", noun)
