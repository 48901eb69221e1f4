"""Practice: pick a bank question or type your own, answer it, get stage-by-stage feedback."""

import streamlit as st

from data import cached_questions, cached_rubric
from feedback import answer_guide, escape_text, render_grade, spoken_time, word_count
from session import api_call, client, require_user

MAX_ANSWER_CHARS = 20_000  # CONTRACT.md section 2: longer answers are refused

require_user("learner")

st.title("Practice")

SOURCE_BANK = "A question from the bank"
SOURCE_OWN = "My own question"

for key, default in {
    "practice_result": None,  # {"submission": ..., "answer": ...} of the last graded answer
    "practice_classification": None,  # {"text": ..., "result": ...} from POST /v1/classify
}.items():
    if key not in st.session_state:
        st.session_state[key] = default


def classify_own_question() -> None:
    """on_change of the own-question box: ask the router which framework fits and preselect it."""
    text = (st.session_state.get("practice_question_text") or "").strip()
    if not text:
        st.session_state.practice_classification = None
        return
    result = api_call(lambda: client().classify(text))
    if result is None:
        return
    st.session_state.practice_classification = {"text": text, "result": result}
    if result.get("framework") in ("scale", "capacity"):
        st.session_state.practice_own_framework = result["framework"]


questions = cached_questions(st.session_state.api_url)
source = st.radio("Question", [SOURCE_BANK, SOURCE_OWN], key="practice_source", horizontal=True,
                  label_visibility="collapsed")

question_id = None
question_text = None
framework = None
hints: dict[str, str] = {}

if source == SOURCE_BANK:
    if not questions:
        st.warning("The question bank could not be loaded; you can still type your own question.")
        st.stop()
    by_id = {q["id"]: q for q in questions}
    question_id = st.selectbox(
        "Bank question",
        list(by_id),
        key="practice_question_id",
        format_func=lambda qid: f"{qid} — {by_id[qid]['text'][:90]}{'…' if len(by_id[qid]['text']) > 90 else ''}",
    )
    question = by_id[question_id]
    st.markdown(f"> {escape_text(question['text'])}", unsafe_allow_html=True)
    choices = question.get("frameworks") or [question["framework"]]
    if question["framework"] not in choices:
        choices = [question["framework"], *choices]
    if len(choices) > 1:
        framework = st.radio(
            "Framework (the study plan files this question under both; the default is its usual one)",
            choices,
            index=choices.index(question["framework"]),
            key=f"practice_bank_framework_{question_id}",
            horizontal=True,
            format_func=str.capitalize,
        )
    else:
        framework = question["framework"]
    hints = question.get("hints") or {}
else:
    question_text = st.text_area(
        "Your question",
        key="practice_question_text",
        height=90,
        placeholder="e.g. What breaks if traffic to our checkout service grows 10x?",
        on_change=classify_own_question,
    )
    classification = st.session_state.practice_classification
    if classification and classification["text"] == (question_text or "").strip():
        result = classification["result"]
        cues = ", ".join(f"“{c}”" for c in result.get("cues") or [])
        if result.get("is_scale_capacity") and result.get("framework"):
            st.success(
                f"Suggested framework: **{escape_text(result['framework'].capitalize())}** — "
                f"{escape_text(result.get('reason', ''))}" + (f"  \nCues: {escape_text(cues)}" if cues else ""),
                icon=":material/alt_route:",
            )
        else:
            st.warning(
                f"This does not look like a scale & capacity question (category "
                f"{escape_text(str(result.get('category')))}): {escape_text(result.get('reason', ''))}  \n"
                "Hedgehog grades scale & capacity answers; pick the framework that fits best if you go ahead.",
                icon=":material/alt_route:",
            )
    if "practice_own_framework" not in st.session_state:
        st.session_state.practice_own_framework = "scale"
    framework = st.radio("Framework", ["scale", "capacity"], key="practice_own_framework", horizontal=True,
                         format_func=str.capitalize)

rubric = cached_rubric(st.session_state.api_url, framework) if framework else None
if rubric:
    stages = rubric.get("stages") or []
    st.markdown(
        f"**{escape_text(rubric.get('name', framework))}:** "
        + " → ".join(escape_text(s.get("name", s.get("id", ""))) for s in stages),
        unsafe_allow_html=True,
    )
    with st.expander("What each stage covers", expanded=False):
        for stage in stages:
            st.markdown(f"**{escape_text(stage.get('name', ''))}** — {escape_text(stage.get('covers', ''))}",
                        unsafe_allow_html=True)
        if rubric.get("key_principle"):
            st.caption(rubric["key_principle"])
    if hints:
        with st.expander("Hints from the study plan (try without them first)", expanded=False):
            names = {s.get("id"): s.get("name") for s in stages}
            for stage_id, hint in hints.items():
                st.markdown(f"**{escape_text(names.get(stage_id) or stage_id.replace('_', ' ').capitalize())}:** "
                            f"{escape_text(hint)}", unsafe_allow_html=True)

answer = st.text_area(
    "Your answer",
    key="practice_answer",
    height=280,
    max_chars=MAX_ANSWER_CHARS,  # also gives a live character counter while typing
    placeholder="Walk through each stage: today's load, the projection, what fails first, and the mitigation…",
)
words = word_count(answer)
level, message = answer_guide(words)
guide_line = f"**{words} words** · about {spoken_time(words)} spoken · {message}"
if level == "right":
    st.success(guide_line, icon=":material/timer:")
else:
    st.caption(f"{guide_line} (The count updates when you leave the box or press Ctrl+Enter.)")

if st.button("Submit for feedback", key="practice_submit", type="primary", icon=":material/send:"):
    if not answer.strip():
        st.error("Write an answer first.")
    elif source == SOURCE_OWN and not (question_text or "").strip():
        st.error("Type your question first, or pick one from the bank.")
    else:
        with st.spinner("Grading your answer, stage by stage…"):
            submission = api_call(lambda: client().submit(
                answer, question_id=question_id, question_text=question_text, framework=framework
            ))
        if submission is not None:
            st.session_state.practice_result = {"submission": submission, "answer": answer}

result = st.session_state.practice_result
if result:
    st.divider()
    st.subheader("Feedback")
    grade = result["submission"].get("grade") or {}
    asked = f"{grade['question_id']} — " if grade.get("question_id") else ""
    st.caption(f"Attempt {result['submission'].get('attempt_number', 1)} at: {asked}{grade.get('question_text', '')}")
    render_grade(grade, result["answer"])
