"""Evidence quotes are checked against the answer: a quote counts only if it occurs in the answer,
allowing for differences in whitespace and quote marks (and the bracket look-alikes of
`safety.neutralise_markup`). What is kept is the answer's own text, verbatim, never the model's
version of it."""

from dataclasses import dataclass, field

from hedgehog.llm.safety import FULLWIDTH_GT, FULLWIDTH_LT

MIN_QUOTE_CHARS = 3
MAX_QUOTES_PER_STAGE = 5

_QUOTE_MARKS = "\"'`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb\u2039\u203a"
_CANONICAL = {**{c: '"' for c in _QUOTE_MARKS}, FULLWIDTH_LT: "<", FULLWIDTH_GT: ">"}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def _normalise(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs, unify quote marks and brackets; map each output char to its source index."""
    chars: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        if ch.isspace():
            if not previous_space:
                chars.append(" ")
                index.append(i)
            previous_space = True
            continue
        previous_space = False
        chars.append(_CANONICAL.get(ch, ch))
        index.append(i)
    return "".join(chars), index


def locate_quote(answer: str, quote: str) -> tuple[int, int] | None:
    """The span of `answer` that `quote` matches (tolerantly), or None."""
    needle, _ = _normalise(quote.strip())
    needle = needle.strip().strip('"').strip()
    if len(needle) < MIN_QUOTE_CHARS:
        return None
    haystack, index = _normalise(answer)
    at = haystack.find(needle)
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1


@dataclass
class CheckedEvidence:
    verified: list[str] = field(default_factory=list)
    unfound: list[str] = field(default_factory=list)
    from_injection: list[str] = field(default_factory=list)


def check_evidence(answer: str, quotes: list[str], forbidden: tuple[tuple[int, int], ...] = ()) -> CheckedEvidence:
    """Keep quotes found in the answer (as the answer's own text) outside the forbidden spans."""
    result = CheckedEvidence()
    for quote in quotes:
        span = locate_quote(answer, quote)
        if span is None:
            result.unfound.append(quote)
            continue
        start, end = span
        if any(start < f_end and f_start < end for f_start, f_end in forbidden):
            result.from_injection.append(quote)
            continue
        verbatim = answer[start:end]
        if verbatim not in result.verified and len(result.verified) < MAX_QUOTES_PER_STAGE:
            result.verified.append(verbatim)
    return result
