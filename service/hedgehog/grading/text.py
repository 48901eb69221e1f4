"""Splitting an answer into sentences that keep their exact character offsets, so every evidence
quote is a verbatim substring of the answer."""

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (not inside a number like 1.5 or an abbreviation like e.g.) or at a line break.
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|vs|etc|approx|incl|est|mr|mrs|dr|no|fig|al)\.)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+|$)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    paragraph: int
    start: int
    end: int
    text: str


def split_sentences(answer: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    pos = 0
    for line in answer.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            paragraph += 1 if sentences and sentences[-1].paragraph == paragraph else 0
            pos += len(line)
            continue
        _split_line(answer, pos, pos + len(line.rstrip("\r\n")), paragraph, sentences)
        pos += len(line)
    return sentences


def _split_line(answer: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    cursor = start
    segment = answer[start:end]
    for match in _SENTENCE_END.finditer(segment):
        stop = start + match.end()
        if _ABBREVIATIONS.search(answer[cursor:start + match.start() + 1]):
            continue
        _append(answer, cursor, stop, paragraph, out)
        cursor = stop
    _append(answer, cursor, end, paragraph, out)


def _append(answer: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and answer[start].isspace():
        start += 1
    while end > start and answer[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in answer[start:end]):
        out.append(Sentence(len(out), paragraph, start, end, answer[start:end]))


def words(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]
