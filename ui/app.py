"""Hedgehog's Streamlit front end: the one entry script. Run with `hedgehog ui` (or
`streamlit run ui/app.py`); it talks to the API at HEDGEHOG_API_URL and never to the database."""

import streamlit as st

from session import current_user, ensure_state, sign_out

st.set_page_config(page_title="Hedgehog", page_icon="🦔", layout="wide")
ensure_state()

# url_paths deliberately differ from the file names: AppTest re-detects the legacy pages/ folder on
# every run and would run a page whose url_path matches its file name without this entry script.
sign_in_page = st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:", url_path="sign-in")
practice_page = st.Page("pages/practice.py", title="Practice", icon=":material/edit_note:", url_path="practise")
history_page = st.Page("pages/history.py", title="History & progress", icon=":material/trending_up:", url_path="progress")
coach_page = st.Page("pages/coach.py", title="Coach", icon=":material/school:", url_path="cohort")
rubrics_page = st.Page("pages/rubrics.py", title="Rubrics", icon=":material/menu_book:", url_path="rubric-guide")

user = current_user()
role = user.get("role") if user else None
if role == "learner":
    pages = [practice_page, history_page, rubrics_page]
elif role in ("coach", "admin"):
    pages = [coach_page, rubrics_page]
else:
    pages = [sign_in_page, rubrics_page]

navigation = st.navigation(pages)

with st.sidebar:
    st.markdown("### Hedgehog")
    st.caption("Stage-by-stage feedback on scale & capacity answers")
    if user:
        st.write(f"Signed in as **{user.get('username')}** ({role})")
        st.button("Sign out", key="sign_out", on_click=sign_out, icon=":material/logout:")
    st.caption(f"API: {st.session_state.api_url}")

if st.session_state.go_home and user:
    st.session_state.go_home = False
    st.switch_page(pages[0])

navigation.run()
