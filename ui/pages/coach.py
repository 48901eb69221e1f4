"""Coach: the cohort roster, a learner's progress, reviewing a submission (comment and per-stage
overrides with reasons, the automatic score kept visible) and CSV export."""

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from data import stage_names
from feedback import escape_text, render_grade
from learner_view import attempt_label, render_learner_overview, short_time
from session import api_call, client, require_user

user = require_user("coach", "admin")
api = client()
api_url = st.session_state.api_url
KEEP = "Keep"  # keep the automatic score

st.title("Coach")

if st.session_state.get("coach_flash"):
    st.success(st.session_state.pop("coach_flash"), icon=":material/check_circle:")

roster = api_call(api.coach_learners)
if roster is None:
    st.stop()
if not roster:
    st.info("No learners are assigned to you yet. An admin assigns them with "
            "`hedgehog users assign --coach COACH --learner LEARNER`.")
    st.stop()


def roster_grid(framework: str) -> pd.DataFrame:
    names = stage_names(api_url, framework)
    rows = []
    for entry in roster:
        averages = (entry.get("average_per_stage") or {}).get(framework) or {}
        for position, (stage_id, stage_name) in enumerate(names.items()):
            if stage_id in averages:
                rows.append({"Learner": entry["username"], "Stage": stage_name, "position": position,
                             "Average": averages[stage_id]})
    return pd.DataFrame(rows)


# -- roster ---------------------------------------------------------------------------------------

st.subheader("Cohort")
st.dataframe(
    [
        {"Learner": e["username"], "Target role": (e.get("target_role") or "").replace("_", " ").capitalize(),
         "Attempts": e.get("attempts", 0), "Last activity": short_time(e.get("last_activity")),
         "Awaiting review": e.get("awaiting_review", 0)}
        for e in roster
    ],
    hide_index=True,
    key="coach_roster_table",
)

st.markdown("**Average score per stage** (effective scores, 0–4: red is weak, green is solid)")
for framework in ("scale", "capacity"):
    frame = roster_grid(framework)
    if frame.empty:
        st.caption(f"{framework.capitalize()}: no attempts yet.")
        continue
    order = frame.sort_values("position")["Stage"].drop_duplicates().tolist()
    base = alt.Chart(frame).encode(
        x=alt.X("Stage:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=False, orient="top")),
        y=alt.Y("Learner:N", title=None),
    )
    heat = base.mark_rect(stroke="white").encode(
        color=alt.Color("Average:Q", scale=alt.Scale(domain=[0, 4], scheme="redyellowgreen"), legend=None),
        tooltip=["Learner", "Stage", alt.Tooltip("Average:Q", format=".2f")],
    )
    labels = base.mark_text(color="#1f2933").encode(text=alt.Text("Average:Q", format=".1f"))
    st.caption(framework.capitalize())
    st.altair_chart((heat + labels).properties(height=alt.Step(34)), key=f"coach_grid_{framework}")

cohort_csv = api_call(api.cohort_export_csv)
if cohort_csv is not None:
    st.download_button("Download cohort CSV", cohort_csv, file_name="hedgehog-cohort.csv", mime="text/csv",
                       key="coach_cohort_csv", icon=":material/download:")

# -- one learner ----------------------------------------------------------------------------------

st.divider()
by_id = {e["learner_id"]: e for e in roster}
# Option labels stay fixed (just the username): the counts beside them change as the coach works.
learner_id = st.selectbox("Learner", list(by_id), key="coach_learner", format_func=lambda i: by_id[i]["username"])
learner = by_id[learner_id]
st.caption(f"{learner.get('attempts', 0)} attempts · {learner.get('awaiting_review', 0)} awaiting review · "
           f"last activity {short_time(learner.get('last_activity'))}")

review_tab, progress_tab = st.tabs(["Review submissions", "Progress"])

with review_tab:
    items = api_call(lambda: api.all_submissions(learner_id))
    if items is None:
        st.stop()
    if not items:
        st.info(f"{learner['username']} has not submitted anything yet.")
    else:
        # Newest first, as the API lists them; the first visit opens the oldest one awaiting review.
        by_submission = {i["id"]: i for i in items}
        waiting = [i["id"] for i in items if not i.get("reviewed")]
        first_choice = list(by_submission).index(waiting[-1]) if waiting else 0
        submission_id = st.selectbox("Submission", list(by_submission), index=first_choice,
                                     format_func=lambda i: attempt_label(by_submission[i]),
                                     key=f"coach_submission_{learner_id}")
        status = "Reviewed" if by_submission[submission_id].get("reviewed") else "Awaiting review"
        st.caption(f"{status} · {len(waiting)} of {len(items)} attempts awaiting review")
        submission: dict[str, Any] | None = api_call(lambda: api.submission(submission_id))
        if submission:
            grade = submission.get("grade") or {}
            st.markdown(f"**Question:** {escape_text(grade.get('question_text') or '')}", unsafe_allow_html=True)
            render_grade(grade, submission.get("answer"), effective=submission.get("effective"),
                         reviews=submission.get("reviews"), key_prefix="coach")

            st.markdown("#### Your review")
            st.caption("Override a stage only where you disagree with the automatic score; the automatic score is "
                       "kept beside yours and the learner sees both.")
            with st.form(f"coach_review_form_{submission_id}", border=True):
                comment = st.text_area("Comment for the learner", key=f"coach_comment_{submission_id}")
                overrides_input = []
                for stage in grade.get("stages") or []:
                    name_col, score_col, reason_col = st.columns([2, 1.3, 3])
                    name_col.markdown(f"**{escape_text(stage.get('name', ''))}**  \nautomatic: "
                                      f"{stage.get('score')}/{stage.get('max_score', 4)}", unsafe_allow_html=True)
                    choice = score_col.selectbox("Coach score", [KEEP, 0, 1, 2, 3, 4],
                                                 key=f"coach_score_{submission_id}_{stage['id']}")
                    reason = reason_col.text_input("Reason", key=f"coach_reason_{submission_id}_{stage['id']}")
                    overrides_input.append((stage, choice, reason))
                send = st.form_submit_button("Save review", key=f"coach_review_submit_{submission_id}", type="primary",
                                             icon=":material/rate_review:")
            if send:
                overrides = [{"stage_id": stage["id"], "score": int(choice), "reason": reason.strip()}
                             for stage, choice, reason in overrides_input if choice != KEEP]
                unexplained = [stage.get("name", stage["id"]) for stage, choice, reason in overrides_input
                               if choice != KEEP and not reason.strip()]
                if unexplained:
                    st.error("Give a reason for each override: " + ", ".join(unexplained) + ".")
                elif not comment.strip() and not overrides:
                    st.error("Write a comment or override at least one stage.")
                else:
                    saved = api_call(lambda: api.review(submission_id, comment=comment.strip(), overrides=overrides))
                    if saved is not None:
                        st.session_state.coach_flash = (
                            f"Review saved for submission #{submission_id}"
                            + (f" with {len(overrides)} override(s)." if overrides else ".")
                        )
                        st.rerun()

    learner_csv = api_call(lambda: api.export_csv(learner_id))
    if learner_csv is not None:
        st.download_button(f"Download {learner['username']}'s attempts (CSV)", learner_csv,
                           file_name=f"hedgehog-{learner['username']}.csv", mime="text/csv",
                           key=f"coach_learner_csv_{learner_id}", icon=":material/download:")

with progress_tab:
    render_learner_overview(api, api_url, learner_id, key_prefix=f"coach_progress_{learner_id}", own=False)
