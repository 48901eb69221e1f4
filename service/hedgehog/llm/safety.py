"""The learner's text is data: what is done to it before a model reads it.

- Sentences that address the grader (the lexicon's `injection` patterns, shared with the
  deterministic grader) are replaced by a marker, so they cannot raise a score; their spans are
  kept so that no evidence quote may come from them.
- Tag-like text (`</learner_answer>`, `<system>`) has its angle brackets swapped for full-width
  look-alikes, so it cannot close or open the prompt's delimited blocks. The evidence matcher
  treats both bracket forms as equal, so quotes still map back to the answer verbatim.
"""

import re
from dataclasses import dataclass
from functools import cache

from hedgehog.grading.lexicon import compile_any, load_lexicon

REDACTION_MARKER = "[removed: text addressed to the grader]"
FULLWIDTH_LT, FULLWIDTH_GT = "\uff1c", "\uff1e"

_TAG_LIKE = re.compile(r"<(\s*/?\s*[A-Za-z!?][^<>\n]{0,200})>")
_OPENING_LIKE = re.compile(r"<(?=\s*/?\s*[A-Za-z!?])")
_SENTENCE_END = re.compile(r"[.!?\n]")


@cache
def _injection_pattern() -> re.Pattern[str]:
    return compile_any(load_lexicon().injection)


@dataclass(frozen=True)
class ScreenedText:
    original: str
    for_model: str
    injection_spans: tuple[tuple[int, int], ...]

    @property
    def injection_found(self) -> bool:
        return bool(self.injection_spans)


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    while left < start and text[left].isspace():
        left += 1
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.end() if right_match else len(text)
    if right_match and text[right_match.start()] == "\n":
        right = right_match.start()
    return left, right


def injection_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of `text` that contain a grader-addressing pattern, merged and sorted."""
    spans: list[tuple[int, int]] = []
    for match in _injection_pattern().finditer(text):
        spans.append(_sentence_span(text, match.start(), match.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def neutralise_markup(text: str) -> str:
    """Make tag-like text inert inside a delimited prompt block."""
    text = _TAG_LIKE.sub(lambda m: f"{FULLWIDTH_LT}{m.group(1)}{FULLWIDTH_GT}", text)
    return _OPENING_LIKE.sub(FULLWIDTH_LT, text)


def screen(text: str) -> ScreenedText:
    """Redact grader-addressing sentences, then neutralise markup: the text a model may read."""
    spans = injection_spans(text)
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        pieces.append(REDACTION_MARKER)
        cursor = end
    pieces.append(text[cursor:])
    return ScreenedText(original=text, for_model=neutralise_markup("".join(pieces)), injection_spans=spans)
