"""Rendering a grade document: overall score, one card per stage, flags, and the answer with each
stage's evidence highlighted in that stage's colour. Pure helpers (no Streamlit) come first so they
can be tested on their own."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

UI_TEXT_PATH = Path(__file__).with_name("ui_text.yaml")

# Characters that HTML or inline Markdown (or Streamlit's $maths$ and :emoji:/:color[...] directives)
# would interpret, written as numeric entities so any text shows exactly as typed inside
# st.markdown(..., unsafe_allow_html=True). Block markers (- + # > 1.) only matter at a line start.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]|~$:"}
_LINE_START_MARKER = re.compile(r"^(\s*)([-+#>=]|\d+[.)])", re.MULTILINE)


@cache
def ui_text() -> dict[str, Any]:
    return yaml.safe_load(UI_TEXT_PATH.read_text(encoding="utf-8"))


def escape_text(text: str) -> str:
    """Escape HTML and Markdown so arbitrary text renders literally; newlines become <br>."""
    text = text.replace("\r\n", "\n")
    escaped = "".join(_ENTITIES.get(c, c) for c in text)
    escaped = _LINE_START_MARKER.sub(lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), escaped)
    return escaped.replace("\n", "<br>")


def stage_colour(index: int) -> str:
    colours = ui_text()["stage_colours"]
    return colours[index % len(colours)]


def evidence_owners(answer: str, stages: list[dict[str, Any]]) -> list[tuple[int, ...]]:
    """For each character of the answer, the indices of the stages whose evidence covers it (a
    sentence can be evidence for several stages). Quotes not found verbatim are skipped."""
    owners: list[set[int]] = [set() for _ in answer]
    for index, stage in enumerate(stages):
        for quote in stage.get("evidence") or []:
            if not quote:
                continue
            start = answer.find(quote)
            if start < 0:
                continue
            for position in range(start, start + len(quote)):
                owners[position].add(index)
    return [tuple(sorted(o)) for o in owners]


def highlight_background(indices: tuple[int, ...]) -> str:
    """One stage: its colour. Several: horizontal bands of each colour, so every stage shows."""
    if len(indices) == 1:
        return f"background-color:{stage_colour(indices[0])}"
    step = 100 / len(indices)
    bands = ",".join(
        f"{stage_colour(i)} {k * step:.0f}%,{stage_colour(i)} {(k + 1) * step:.0f}%" for k, i in enumerate(indices)
    )
    return f"background-image:linear-gradient(to bottom,{bands})"


def highlight_answer_html(answer: str, stages: list[dict[str, Any]]) -> str:
    """The answer as safe HTML: every run of evidence wrapped in a <mark> of its stage's colour
    (banded with several colours where the same words are evidence for several stages)."""
    owners = evidence_owners(answer, stages)
    parts: list[str] = []
    position = 0
    while position < len(answer):
        owner = owners[position]
        end = position
        while end < len(answer) and owners[end] == owner:
            end += 1
        chunk = escape_text(answer[position:end])
        if not owner:
            parts.append(chunk)
        else:
            names = " + ".join(str(stages[i].get("name", stages[i].get("id", ""))) for i in owner)
            parts.append(
                f'<mark style="{highlight_background(owner)};padding:0 2px;border-radius:3px;color:#1f2933" '
                f'title="{html.escape(names, quote=True)}">{chunk}</mark>'
            )
        position = end
    return (
        '<div class="hedgehog-answer" style="line-height:1.8;padding:0.75rem 1rem;'
        'border:1px solid rgba(128,128,128,0.35);border-radius:0.5rem">' + "".join(parts) + "</div>"
    )


def legend_html(stages: list[dict[str, Any]]) -> str:
    chips = [
        f'<span style="background-color:{stage_colour(i)};padding:2px 8px;border-radius:4px;'
        f'margin-right:6px;color:#1f2933">{escape_text(str(s.get("name", s.get("id", ""))))}</span>'
        for i, s in enumerate(stages)
    ]
    return '<div style="margin-bottom:0.4rem">' + "".join(chips) + "</div>"


def stage_badge_html(index: int, name: str) -> str:
    return (
        f'<span style="background-color:{stage_colour(index)};padding:3px 10px;border-radius:4px;'
        f'font-weight:600;color:#1f2933">{escape_text(name)}</span>'
    )


def missing_text(stage: dict[str, Any]) -> str:
    """'Not attempted' for an absent stage, else the missing elements (or that nothing is missing)."""
    if int(stage.get("score", 0)) == 0:
        return "Not attempted"
    missing = [m for m in stage.get("missing") or [] if m]
    return "; ".join(missing) if missing else "Nothing essential missing"


def flag_explanation(flag: str) -> str:
    text = ui_text()
    if flag in text["flags"]:
        return text["flags"][flag]
    if flag.startswith("llm_"):
        return text["llm_reason"].format(reason=flag.removeprefix("llm_").replace("_", " "))
    return f"Flag raised by the grader: {flag}."


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def answer_guide(words: int) -> tuple[str, str]:
    """(level, message) for a word count: level is 'short', 'right' or 'long'."""
    guide = ui_text()["answer_guide"]
    if words < guide["min_words"]:
        return "short", guide["short"]
    if words > guide["max_words"]:
        return "long", guide["long"]
    return "right", guide["right"]


def spoken_time(words: int) -> str:
    seconds = round(60 * words / ui_text()["answer_guide"]["words_per_minute"])
    return f"{seconds // 60} min {seconds % 60:02d} s"


def effective_score(stage: dict[str, Any]) -> int:
    """The coach's score where one exists, else the automatic score."""
    for key in ("effective_score", "coach_score", "override_score"):
        if stage.get(key) is not None:
            return int(stage[key])
    return int(stage.get("score", 0))


# -- Streamlit rendering --------------------------------------------------------------------------


def render_flags(grade: dict[str, Any]) -> None:
    import streamlit as st

    flags = grade.get("flags") or []
    if not flags:
        return
    notes = grade.get("notes") or []
    lines = [f"**{escape_text(flag)}** — {escape_text(flag_explanation(flag))}" for flag in flags]
    lines.extend(f"_{escape_text(note)}_" for note in notes)
    st.warning("  \n".join(lines), icon=":material/flag:")


def render_stage_card(index: int, stage: dict[str, Any], coach: dict[str, Any] | None = None,
                      key_prefix: str = "feedback") -> None:
    """One stage: name in its colour, the 0-4 score as a bar, critique, missing elements, and the
    coach's score beside the automatic one when a coach overrode it."""
    import streamlit as st

    score = int(stage.get("score", 0))
    max_score = int(stage.get("max_score", 4)) or 4
    label = stage.get("label") or ""
    with st.container(border=True, key=f"{key_prefix}_stage_{stage.get('id', index)}"):
        head, number = st.columns([3, 1])
        head.markdown(stage_badge_html(index, str(stage.get("name", stage.get("id", "")))), unsafe_allow_html=True)
        number.markdown(f"**{score}/{max_score}** · {escape_text(label)}", unsafe_allow_html=True)
        st.progress(score / max_score, text=f"Automatic score: {score} of {max_score}")
        if coach and coach.get("coach_score") is not None:
            st.info(
                f"Coach's score: **{int(coach['coach_score'])}/{max_score}** (automatic {score}) — "
                f"{escape_text(str(coach.get('coach_reason') or ''))}",
                icon=":material/school:",
            )
        if stage.get("critique"):
            st.markdown(escape_text(str(stage["critique"])), unsafe_allow_html=True)
        st.markdown(f"**Missing:** {escape_text(missing_text(stage))}", unsafe_allow_html=True)


def render_grade(grade: dict[str, Any], answer: str | None, *, effective: dict[str, Any] | None = None,
                 reviews: list[dict[str, Any]] | None = None, key_prefix: str = "feedback") -> None:
    """The whole feedback view of one grade document. `effective` and `reviews` come from
    GET /v1/submissions/{id}: the coach's scores and comments, shown beside the automatic grade."""
    import streamlit as st

    stages = grade.get("stages") or []
    coach_stages = {s.get("stage_id"): s for s in (effective or {}).get("stages") or []}
    top = st.columns([1, 1, 3])
    overall = grade.get("overall", 0)
    effective_overall = (effective or {}).get("overall", overall)
    if effective_overall != overall:
        top[0].metric("Overall", f"{effective_overall}/100", delta=effective_overall - overall,
                      help=f"With the coach's scores; the automatic overall is {overall}/100.")
    else:
        top[0].metric("Overall", f"{overall}/100")
    top[1].metric("Framework", str(grade.get("framework", "")).capitalize())
    provenance = f"{grade.get('grader', '')} grader · rubric {grade.get('rubric_version', '')}"
    if grade.get("model"):
        provenance += f" · model {grade['model']}"
    with top[2]:
        st.caption(provenance)
        if grade.get("summary"):
            st.markdown(escape_text(str(grade["summary"])), unsafe_allow_html=True)
    render_flags(grade)
    for review in reviews or []:
        if review.get("comment"):
            who = review.get("coach_username") or "Coach"
            st.info(f"**{escape_text(str(who))}:** {escape_text(str(review['comment']))}", icon=":material/comment:")
    for index, stage in enumerate(stages):
        render_stage_card(index, stage, coach_stages.get(stage.get("id")), key_prefix)
    if answer:
        st.markdown("**The answer, with the evidence for each stage highlighted**")
        st.markdown(legend_html(stages), unsafe_allow_html=True)
        st.markdown(highlight_answer_html(answer, stages), unsafe_allow_html=True)
