"""Splitting an answer into sentences that keep their exact character offsets, so every evidence
quote is a verbatim substring of the answer."""

import re
from typing import NamedTuple

from hedgehog.grading.matcher import fold_key

# A sentence ends at . ! ? (not inside a number like 1.5 or an abbreviation like e.g.) or at a line break.
_ABBREVIATED = ("e.g", "i.e", "vs", "etc", "approx", "incl", "est", "mr", "mrs", "dr", "no", "fig", "al")
_ABBREVIATIONS = re.compile(rf"(?:\b(?:{'|'.join(map(re.escape, _ABBREVIATED))})\.)$", re.IGNORECASE)
# "at 11 p.m. the line runs ...": a time of day ends a sentence only when a capital follows.
_TIME_OF_DAY = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_NEXT_LOWER = re.compile(r"\s+[a-z]")
# "... -->" closes an HTML comment: what follows is a sentence of its own (a note to the grader
# hidden in a comment must not take the answer's next sentence with it).
# (That is (?:[.!?]+["')\]]*|-->)(?=\s|$), written to open with one character class: the regex
# engine then skips ahead to those characters instead of trying two branches everywhere.)
_SENTENCE_END = re.compile(r"[.!?-](?:(?<=[.!?])[.!?]*[\"')\]]*|(?<=-)->)(?=\s|$)")
# A word: letters, with apostrophes and hyphens inside ("users'" -> "users", "rock-'n'-roll"), in
# text already lower case. (Runs of letters joined by runs of apostrophes and hyphens: the same
# words as [a-z](?:[a-z'’-]*[a-z])?, found without backing off the end of every word.)
_WORD_TRIMMED = re.compile(r"[a-z]+(?:['’-]+[a-z]+)*")
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts


class Sentence(NamedTuple):  # a named tuple: cheap to build, and answers hold many
    index: int
    paragraph: int
    start: int
    end: int
    text: str


def split_sentences(answer: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for start, end, paragraph in _logical_lines(answer):
        _split_line(answer, start, end, paragraph, sentences)
    return sentences


_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)]|[a-z][.)])\s")
_WRAP_MIN_CHARS = 50


def _logical_lines(answer: str) -> list[tuple[int, int, int]]:
    """Lines re-joined where the text was hard-wrapped mid-sentence; lists and tables stay apart."""
    lines: list[tuple[int, int, int]] = []
    paragraph, pos, blank_before = 0, 0, False
    for raw in answer.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        start, end = pos, pos + len(content)
        pos += len(raw)
        if not content.strip():
            blank_before = bool(lines)
            continue
        if blank_before:
            paragraph += 1
            blank_before = False
        elif lines and _continues_previous(answer[lines[-1][0]:lines[-1][1]], content):
            lines[-1] = (lines[-1][0], end, paragraph)
            continue
        lines.append((start, end, paragraph))
    return lines


def _continues_previous(previous: str, line: str) -> bool:
    tail = previous.rstrip()
    if not tail or tail[-1] in ".!?:;|" or _BULLET.match(line) or "|" in line:
        return False
    head = line.lstrip()
    return head[:1].islower() or len(tail) >= _WRAP_MIN_CHARS


def _split_line(answer: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    cursor = start
    segment = answer[start:end]
    for match in _SENTENCE_END.finditer(segment):
        stop = start + match.end()
        # Only the sentence's tail can end in an abbreviation; \b still sees the text before it.
        # (The plain suffix test first: the regex search costs more, and most ends are no abbreviation.)
        dot = start + match.start()
        tail = max(cursor, dot - 8)
        if (
            answer[dot] == "."
            and fold_key(answer[tail:dot]).endswith(_ABBREVIATED)
            and _ABBREVIATIONS.search(answer, tail, dot + 1)
        ):
            continue
        window = max(cursor, stop - 5)
        if (
            answer.endswith(("m.", "M."), window, stop)  # the plain test first, as for abbreviations
            and _TIME_OF_DAY.search(answer, window, stop)
            and _NEXT_LOWER.match(answer, stop, end)
        ):
            continue
        _append(answer, cursor, stop, paragraph, out)
        cursor = stop
    _append(answer, cursor, end, paragraph, out)


def _append(answer: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and answer[start].isspace():
        start += 1
    while end > start and answer[end - 1].isspace():
        end -= 1
    if end > start and (answer[start].isalnum() or _ALNUM.search(answer, start, end)):
        out.append(Sentence(len(out), paragraph, start, end, answer[start:end]))


def words(text: str) -> list[str]:
    return words_of_lowered(text.lower())


def words_of_lowered(lowered: str) -> list[str]:
    """words() of text that is already lower case."""
    return _WORD_TRIMMED.findall(lowered)
