"""The feedback helpers: evidence highlighting is safe HTML, the word guide and 'Not attempted'."""

import re


from feedback import (
    flag_explanation,
    answer_guide,
    escape_text,
    evidence_owners,
    highlight_answer_html,
    missing_text,
    stage_colour,
    word_count,
)

STAGES = [
    {"id": "current_load", "name": "Current Load", "evidence": ["2M concurrent viewers"]},
    {"id": "projection", "name": "10× Projection", "evidence": ["concurrent viewers at 10x", "not in the answer"]},
]


def visible_text(markup: str) -> str:
    """What a browser shows: tags dropped, entities decoded."""
    import html

    return html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", markup)))


def test_each_stage_evidence_is_marked_in_its_colour():
    answer = "We have 2M concurrent viewers at 10x peak."
    markup = highlight_answer_html(answer, STAGES)
    marks = re.findall(r'<mark style="([^"]*)" title="([^"]*)">(.*?)</mark>', markup)
    assert [(title, text) for _, title, text in marks] == [
        ("Current Load", "2M "),
        ("Current Load + 10× Projection", "concurrent viewers"),
        ("10× Projection", " at 10x"),
    ]
    assert marks[0][0].startswith(f"background-color:{stage_colour(0)};")
    # words that are evidence for two stages carry both colours
    assert stage_colour(0) in marks[1][0] and stage_colour(1) in marks[1][0]
    assert marks[2][0].startswith(f"background-color:{stage_colour(1)};")
    assert visible_text(markup) == answer


def test_quotes_not_in_the_answer_are_ignored():
    assert evidence_owners("abc", [{"evidence": ["zzz", ""]}]) == [(), (), ()]


def test_html_and_markdown_in_the_answer_are_shown_literally():
    answer = "<script>alert('x')</script> **bold** $5 & _under_ [link](http://x) :red[x]\n# not a heading\n- nor a list\n2. nor this"
    stages = [{"name": "<b>Evil</b>", "evidence": ["<script>alert('x')</script>"]}]
    markup = highlight_answer_html(answer, stages)
    assert "<script" not in markup and "<b>" not in markup
    assert "**" not in markup and "$" not in markup and "[link]" not in markup and ":red" not in markup
    assert "<br>#" not in markup and "<br>-" not in markup and "<br>2." not in markup
    assert visible_text(markup) == answer


def test_escape_text_keeps_unicode_and_breaks_lines():
    assert escape_text("10× “quoted”\nnext") == "10× “quoted”<br>next"


def test_missing_text():
    assert missing_text({"score": 0, "missing": ["x"]}) == "Not attempted"
    assert missing_text({"score": 2, "missing": ["peak vs average", "buffer"]}) == "peak vs average; buffer"
    assert missing_text({"score": 4, "missing": []}) == "Nothing essential missing"


def test_word_guide_brackets_a_two_minute_answer():
    assert word_count("one two\nthree\t four ") == 4
    assert answer_guide(249)[0] == "short"
    assert answer_guide(250)[0] == answer_guide(320)[0] == "right"
    assert answer_guide(321)[0] == "long"


def test_every_flag_reads_as_a_sentence():
    assert "ignored for scoring" in flag_explanation("injection")
    assert "rule-based grader" in flag_explanation("llm_fallback")
    assert flag_explanation("llm_connection") == "Why the AI grader could not be used: connection."
    assert flag_explanation("something_new") == "Flag raised by the grader: something_new."
