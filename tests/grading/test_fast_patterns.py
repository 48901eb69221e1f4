"""Patterns and checks rewritten for speed decide exactly what their plain forms decide."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgehog.grading import arithmetic
from hedgehog.grading.deterministic.reading import _LIST_SPLIT
from hedgehog.grading.errors import UnreadableTextError
from hedgehog.grading.grade import validate_text
from hedgehog.grading.text import _SENTENCE_END, split_sentences, words_of_lowered

PLAIN_SENTENCE_END = re.compile(r"(?:[.!?]+[\"')\]]*|-->)(?=\s+|$)")
PLAIN_LIST_SPLIT = re.compile(r"[,;:]|\band\b|\bplus\b", re.IGNORECASE)

# Characters and words the patterns care about, mixed with some that they do not.
_PIECES = st.sampled_from(
    [".", "!", "?", "-", "->", "-->", '"', "'", ")", "]", " ", "\n", "\t", ",", ";", ":", "a", "p", "and", "AND",
     "plus", "PLUſ", "band", "pluses", "x", "times", "over", "for", "in", "within", "divided by", "+", "/", "*",
     "multiplied by", "roughly", "2", "1.5"]
)
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_sentence_end_finds_what_the_plain_pattern_finds(text):
    assert [m.span() for m in _SENTENCE_END.finditer(text)] == [m.span() for m in PLAIN_SENTENCE_END.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_list_split_splits_as_the_plain_pattern_does(text):
    assert _LIST_SPLIT.split(text) == PLAIN_LIST_SPLIT.split(text)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_operator_gap_opens_as_the_shared_precheck_says(text):
    """The chain check tests _OPERATOR_OPENS first and skips the five operator patterns when it
    fails: it must match wherever one of them does."""
    operators = (arithmetic._MUL, arithmetic._PLUS, arithmetic._FOR, arithmetic._DIV, arithmetic._WITHIN)
    if any(p.match(text) for p in operators):
        assert arithmetic._OPERATOR_OPENS.match(text)


@pytest.mark.parametrize("text", ["plain ascii", "latin-1 × and é", "emoji 🚀 and العربية", "tabs\tand\nlines"])
def test_readable_text_passes_the_fast_path(text):
    assert validate_text(text, "answer") == text


@pytest.mark.parametrize(
    "text, where",
    [("nul \x00 here", "a NUL character at position 4"), ("é \ud800 x", "an unpaired surrogate (invalid Unicode) at position 2"),
     ("\udfff", "an unpaired surrogate (invalid Unicode) at position 0")],
)
def test_unreadable_text_is_refused_with_its_position(text, where):
    with pytest.raises(UnreadableTextError, match=re.escape(where)):
        validate_text(text, "answer")


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("At 11 P.M. the line runs 8 trains. Then it calms.", ["At 11 P.M. the line runs 8 trains.", "Then it calms."]),
        ("We cache hot keys, E.G. the menu. Then we shard.", ["We cache hot keys, E.G. the menu.", "Then we shard."]),
        ("It ends at 9 a.m. Then quiet. Or at 5 pm. then more.", ["It ends at 9 a.m.", "Then quiet.", "Or at 5 pm.", "then more."]),
    ],
)
def test_the_plain_suffix_prechecks_keep_times_and_abbreviations_inside_sentences(text, sentences):
    assert [s.text for s in split_sentences(text)] == sentences


PLAIN_WORD = re.compile(r"[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "Z", "'", "’", "-", " ", ".", "1", "é", "\u0130", "rock", "n", "users"]), max_size=30).map("".join))
def test_words_are_what_the_plain_word_pattern_finds_in_lower_case_text(text):
    lowered = text.lower()
    assert words_of_lowered(lowered) == PLAIN_WORD.findall(lowered)
