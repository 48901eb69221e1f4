"""Rubrics: both frameworks, their stages, element groups and score anchors."""

import streamlit as st

from data import cached_rubric, cached_rubrics
from feedback import escape_text, stage_badge_html
from session import ensure_state

ensure_state()

st.title("Rubrics")
st.write("How answers are graded: each stage scores 0–4 against the anchors below; the overall score is the "
         "average of the stages on a 0–100 scale.")

summaries = cached_rubrics(st.session_state.api_url)
if summaries is None:
    st.stop()
frameworks = [r.get("framework") for r in summaries if isinstance(r, dict) and r.get("framework")] or ["scale", "capacity"]

tabs = st.tabs([f.capitalize() for f in frameworks])
for tab, framework in zip(tabs, frameworks):
    with tab:
        rubric = cached_rubric(st.session_state.api_url, framework)
        if not rubric:
            continue
        version = rubric.get("rubric_version") or f"{framework}@{rubric.get('version', '?')}"
        st.subheader(f"{rubric.get('name', framework)}")
        st.caption(f"Rubric version {version}")
        if rubric.get("description"):
            st.markdown(escape_text(rubric["description"]), unsafe_allow_html=True)
        if rubric.get("key_principle"):
            st.info(rubric["key_principle"], icon=":material/lightbulb:")

        anchors = sorted(rubric.get("anchors") or [], key=lambda a: a.get("score", 0))
        if anchors:
            st.markdown("#### Score anchors (the same for every stage)")
            st.dataframe(
                [{"Score": a.get("score"), "Label": a.get("label"), "Meaning": a.get("meaning")} for a in anchors],
                hide_index=True, key=f"rubric_anchors_{framework}",
            )

        stages = rubric.get("stages") or []
        st.markdown("#### Stages")
        for index, stage in enumerate(stages):
            with st.container(border=True):
                st.markdown(stage_badge_html(index, f"{index + 1}. {stage.get('name', stage.get('id'))}"),
                            unsafe_allow_html=True)
                if stage.get("covers"):
                    st.markdown(escape_text(stage["covers"]), unsafe_allow_html=True)
                groups = stage.get("groups") or []
                if groups:
                    rows = [{"Element group": g.get("name", g.get("id")),
                             "Concepts": ", ".join(g.get("concepts") or [])} for g in groups]
                    st.dataframe(rows, hide_index=True,
                                 key=f"rubric_groups_{framework}_{stage.get('id')}")
                critique = stage.get("critique") or {}
                if critique:
                    with st.expander("Feedback at each score"):
                        for anchor in anchors:
                            text = critique.get(str(anchor.get("label", "")).lower())
                            if text:
                                st.markdown(f"**{anchor.get('score')} · {escape_text(str(anchor.get('label')))}** — "
                                            f"{escape_text(text)}", unsafe_allow_html=True)

