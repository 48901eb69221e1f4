"""A learner's history and progress. Shown to the learner (History & progress) and to their coach
(Coach, drilling into a learner). Data: GET /v1/learners/{id}/submissions (summaries, newest first)
and GET /v1/learners/{id}/progress (first/best/latest per stage, weakest stage, attempts per
question, readiness, and with ?compare=a,b a side-by-side comparison)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from api_client import HedgehogClient
from data import cached_rubric
from feedback import escape_text, render_grade, ui_text
from session import api_call

FRAMEWORK_ORDER = ("scale", "capacity")
DIRECTION_ARROWS = {"improving": "↗ improving", "flat": "→ flat", "declining": "↘ declining"}


# -- pure helpers ---------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def short_time(value: Any) -> str:
    """The API's times are UTC; say so rather than pass them off as local time."""
    when = parse_time(value)
    if when is None:
        return "—"
    utc = when.utcoffset() is not None and not when.utcoffset()
    return when.strftime("%d %b %Y %H:%M") + (" UTC" if utc else "")


def question_label(item: dict[str, Any], width: int = 48) -> str:
    if item.get("question_id"):
        return str(item["question_id"])
    text = str(item.get("question_text") or "")
    return "Own: " + (text[:width] + "…" if len(text) > width else text)


def same_question(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The API's notion of 'the same question': same bank id, or the same own text and framework."""
    if a.get("question_id") or b.get("question_id"):
        return a.get("question_id") == b.get("question_id") and a.get("framework") == b.get("framework")
    return a.get("question_text") == b.get("question_text") and a.get("framework") == b.get("framework")


def attempt_label(item: dict[str, Any]) -> str:
    """A stable label for an attempt (nothing in it changes when a coach reviews it)."""
    return (f"#{item.get('id')} · {question_label(item, 30)} · attempt {item.get('attempt_number', '?')} · "
            f"{short_time(item.get('created_at'))} · automatic {item.get('overall', 0)}/100")


def chronological(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: (str(i.get("created_at") or ""), i.get("id") or 0))


def attempts_frame(items: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per attempt, newest first; `Nr` counts attempts from the first (1) to the latest."""
    numbers = {item.get("id"): n for n, item in enumerate(chronological(items), start=1)}
    return pd.DataFrame([
        {
            "Nr": numbers[item.get("id")],
            "Submission": item.get("id"),
            "When": parse_time(item.get("created_at")),
            "Question": question_label(item),
            "Framework": str(item.get("framework", "")).capitalize(),
            "Attempt": item.get("attempt_number"),
            "Overall": item.get("effective_overall", item.get("overall", 0)),
            "Automatic": item.get("overall", 0),
            "Reviewed": bool(item.get("reviewed")),
        }
        for item in items
    ])


def stage_frame(items: list[dict[str, Any]], framework: str) -> pd.DataFrame:
    """One row per attempt x stage of a framework, with the effective score (the coach's if any)."""
    rows = []
    attempts = [item for item in chronological(items) if item.get("framework") == framework]
    for number, item in enumerate(attempts, start=1):
        for position, stage in enumerate(item.get("stages") or []):
            rows.append({
                "Nr": number,
                "When": parse_time(item.get("created_at")),
                "Question": question_label(item),
                "Stage": stage.get("name", stage.get("stage_id")),
                "position": position,
                "Score": stage.get("effective_score", stage.get("automatic_score", 0)),
            })
    return pd.DataFrame(rows)


def readiness_light(colour: str) -> dict[str, str]:
    fallback = {"colour": "gray", "icon": ":material/help:", "text": str(colour)}
    return ui_text()["readiness_lights"].get(str(colour).lower(), fallback)


def light_badge(colour: str) -> str:
    """Streamlit Markdown for a traffic light: a coloured badge with an icon and words."""
    light = readiness_light(colour)
    return f":{light['colour']}-badge[{light['icon']} {light['text']}]"


def framework_rank(name: str) -> int:
    return FRAMEWORK_ORDER.index(name) if name in FRAMEWORK_ORDER else len(FRAMEWORK_ORDER)


# -- sections -------------------------------------------------------------------------------------


def change_target_role(api: HedgehogClient, key: str) -> None:
    """on_change of the target-role choice: store it through the API (readiness re-orders on rerun)."""
    api_call(lambda: api.set_target_role(st.session_state[key]))


def render_target_role(api: HedgehogClient, readiness: dict[str, Any], key_prefix: str) -> None:
    roles: dict[str, str] = ui_text()["target_roles"]
    key = f"{key_prefix}_target_role"
    if key not in st.session_state and readiness.get("target_role") in roles:
        st.session_state[key] = readiness["target_role"]
    st.selectbox("Your target role (orders the buckets by the study plan's priority for it)", list(roles),
                 format_func=roles.get, key=key, on_change=change_target_role, args=(api, key))


def render_readiness(readiness: dict[str, Any]) -> None:
    st.subheader("Readiness")
    st.caption(
        f"Ordered for a {readiness.get('role_label', 'learner')}: practise the highest-priority bucket first. "
        f"{readiness.get('practised_total', 0)} of {readiness.get('target_total', 10)} bank questions practised in all."
    )
    buckets = readiness.get("buckets") or []
    columns = st.columns(max(len(buckets), 1))
    for column, bucket in zip(columns, buckets):
        with column.container(border=True):
            st.markdown(f"### {escape_text(str(bucket.get('framework', '')).capitalize())}", unsafe_allow_html=True)
            priority = escape_text(str(bucket.get("priority", "")))
            st.markdown(f"{light_badge(bucket.get('light', ''))} &nbsp; Priority **{priority}**", unsafe_allow_html=True)
            practised, target = bucket.get("practised", 0), bucket.get("target", 5)
            st.progress(min(practised / target, 1.0) if target else 0.0,
                        text=f"{practised} of {target} questions practised")
            st.write(bucket.get("reason", ""))
            remaining = bucket.get("remaining_question_ids") or []
            if remaining:
                st.caption("Still to practise: " + ", ".join(remaining))
    if readiness.get("ready"):
        st.success("Ready: every bucket is green and the practice target is met.", icon=":material/verified:")


def render_attempts(items: list[dict[str, Any]], key_prefix: str) -> None:
    st.subheader("Attempts over time")
    frame = attempts_frame(items)
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=alt.X("Nr:O", title="Attempt (oldest → newest)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Overall:Q", scale=alt.Scale(domain=[0, 100]), title="Overall (0–100)"),
            color=alt.Color("Framework:N", title="Framework"),
            tooltip=["Question", "Framework", "Attempt", "Overall", alt.Tooltip("When:T", format="%d %b %H:%M")],
        )
        .properties(height=230)
    )
    st.altair_chart(chart, key=f"{key_prefix}_attempts_chart")
    st.dataframe(
        frame.drop(columns=["Nr"]),
        hide_index=True,
        key=f"{key_prefix}_attempts_table",
        column_config={
            "When": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
            "Overall": st.column_config.ProgressColumn("Overall", min_value=0, max_value=100, format="%d",
                                                       help="The coach's scores where a coach overrode a stage."),
            "Automatic": st.column_config.NumberColumn("Automatic overall"),
            "Reviewed": st.column_config.CheckboxColumn("Coach reviewed"),
        },
    )


def render_framework_progress(api_url: str, items: list[dict[str, Any]], framework_progress: dict[str, Any],
                              readiness: dict[str, Any], key_prefix: str) -> None:
    framework = framework_progress["framework"]
    frame = stage_frame(items, framework)
    if not frame.empty:
        order = frame.sort_values("position")["Stage"].drop_duplicates().tolist()
        chart = (
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=alt.X("Nr:O", title=f"{framework.capitalize()} attempt (oldest → newest)",
                        axis=alt.Axis(labelAngle=0)),
                y=alt.Y("Score:Q", scale=alt.Scale(domain=[0, 4]), axis=alt.Axis(tickCount=5),
                        title="Stage score (0–4)"),
                color=alt.Color("Stage:N", sort=order, title="Stage"),
                tooltip=["Question", "Stage", "Score", alt.Tooltip("When:T", format="%d %b %H:%M")],
            )
            .properties(height=250)
        )
        st.altair_chart(chart, key=f"{key_prefix}_trend_{framework}")

    rows = [
        {"Stage": s.get("name", s.get("stage_id")), "First": s.get("first"), "Best": s.get("best"),
         "Latest": s.get("latest"), "Recent average": s.get("weighted_average"),
         "Trend": DIRECTION_ARROWS.get(s.get("direction"), s.get("direction"))}
        for s in framework_progress.get("stages") or []
    ]
    st.dataframe(rows, hide_index=True, key=f"{key_prefix}_stages_{framework}",
                 column_config={"Recent average": st.column_config.NumberColumn(format="%.1f")})

    weakest = framework_progress.get("weakest_stage")
    if weakest:
        rubric = cached_rubric(api_url, framework) or {}
        stage = next((s for s in rubric.get("stages") or [] if s.get("id") == weakest), {})
        name = stage.get("name") or next(
            (s.get("name") for s in framework_progress.get("stages") or [] if s.get("stage_id") == weakest), weakest)
        bucket = next((b for b in readiness.get("buckets") or [] if b.get("framework") == framework), {})
        next_questions = bucket.get("remaining_question_ids") or []
        advice = f"**Weakest stage: {escape_text(name)}.** Practise it next"
        if stage.get("covers"):
            advice += f" — a full answer covers: {escape_text(stage['covers'])}"
        if next_questions:
            advice += f"  \nA question you have not tried yet: **{escape_text(next_questions[0])}**."
        st.info(advice, icon=":material/fitness_center:")


def render_comparison(api: HedgehogClient, learner_id: Any, items: list[dict[str, Any]], key_prefix: str) -> None:
    st.subheader("Compare two attempts at the same question")
    groups: list[list[dict[str, Any]]] = []
    for item in items:
        for group in groups:
            if same_question(group[0], item):
                group.append(item)
                break
        else:
            groups.append([item])
    repeated = [g for g in groups if len(g) >= 2]
    if not repeated:
        st.caption("Answer the same question twice to compare your attempts side by side.")
        return
    labels = [f"{question_label(g[0])} ({g[0].get('framework')}, {len(g)} attempts)" for g in repeated]
    chosen = st.selectbox("Question", range(len(repeated)), format_func=lambda i: labels[i],
                          key=f"{key_prefix}_compare_question")
    attempts = sorted(repeated[chosen], key=lambda i: (i.get("created_at") or "", i.get("id") or 0))
    by_id = {a["id"]: a for a in attempts}
    ids = list(by_id)
    left_col, right_col = st.columns(2)
    first_id = left_col.selectbox("Earlier attempt", ids, index=0, format_func=lambda i: attempt_label(by_id[i]),
                                  key=f"{key_prefix}_compare_a_{chosen}")
    second_id = right_col.selectbox("Later attempt", ids, index=len(ids) - 1,
                                    format_func=lambda i: attempt_label(by_id[i]), key=f"{key_prefix}_compare_b_{chosen}")
    if first_id == second_id:
        st.caption("Pick two different attempts.")
        return
    progress = api_call(lambda: api.progress(learner_id, compare=(first_id, second_id)))
    comparison = (progress or {}).get("comparison")
    if not comparison:
        return
    side_a, side_b = comparison["a"], comparison["b"]
    left, right = st.columns(2)
    for column, side, delta in ((left, side_a, None), (right, side_b, comparison.get("overall_delta"))):
        with column.container(border=True):
            st.markdown(f"**Attempt {side.get('attempt_number')}** · {short_time(side.get('created_at'))}")
            st.metric("Overall", f"{side.get('effective_overall')}/100", delta=delta)
            full = api_call(lambda sid=side["submission_id"]: api.submission(sid))
            if full:
                with st.expander("The answer", expanded=False):
                    st.markdown(escape_text(full.get("answer") or ""), unsafe_allow_html=True)
    st.dataframe(
        [{"Stage": stage["name"], f"Attempt {side_a.get('attempt_number')}": stage["a"],
          f"Attempt {side_b.get('attempt_number')}": stage["b"],
          "Change": f"{stage['delta']:+d}" if stage["delta"] else "="}
         for stage in comparison.get("stages") or []],
        hide_index=True,
        key=f"{key_prefix}_compare_table",
    )


def render_attempt_detail(api: HedgehogClient, items: list[dict[str, Any]], key_prefix: str) -> None:
    st.subheader("Feedback on an attempt")
    by_id = {item["id"]: item for item in items}
    chosen = st.selectbox("Attempt", list(by_id), format_func=lambda i: attempt_label(by_id[i]),
                          key=f"{key_prefix}_detail_attempt")
    if chosen is None:
        return
    submission = api_call(lambda: api.submission(chosen))
    if submission:
        render_grade(submission.get("grade") or {}, submission.get("answer"),
                     effective=submission.get("effective"), reviews=submission.get("reviews"),
                     key_prefix=f"{key_prefix}_detail")


def render_learner_overview(api: HedgehogClient, api_url: str, learner_id: Any, key_prefix: str,
                            *, own: bool = True) -> list[dict[str, Any]] | None:
    """Readiness, attempts, per-stage progress and comparison; for the learner themself (`own`) also
    their target role and one attempt's feedback. Returns the submission summaries (None on failure)."""
    progress = api_call(lambda: api.progress(learner_id))
    items = api_call(lambda: api.all_submissions(learner_id))
    if progress is None or items is None:
        return None
    if own:
        render_target_role(api, progress.get("readiness") or {}, key_prefix)
    render_readiness(progress.get("readiness") or {})
    if not items:
        st.info("No attempts yet. Answer a question on the Practice page to start your history.",
                icon=":material/edit_note:")
        return items
    render_attempts(items, key_prefix)

    st.subheader("Progress by stage")
    practised = [f for f in progress.get("frameworks") or [] if f.get("attempts")]
    practised.sort(key=lambda f: framework_rank(f["framework"]))
    tabs = st.tabs([f"{f['framework'].capitalize()} ({f['attempts']} attempts)" for f in practised])
    for tab, framework_progress in zip(tabs, practised):
        with tab:
            render_framework_progress(api_url, items, framework_progress, progress.get("readiness") or {}, key_prefix)

    render_comparison(api, learner_id, items, key_prefix)
    if own:
        render_attempt_detail(api, items, key_prefix)
    return items
