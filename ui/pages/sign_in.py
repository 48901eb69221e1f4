"""Sign in as a learner or a coach; the token and the account are kept in session state."""

import streamlit as st

from api_client import ApiError
from session import client, ensure_state

ensure_state()

st.title("Sign in")
st.write(
    "Practise answers to scale & capacity interview questions and get feedback stage by stage. "
    "Learners practise and follow their progress; coaches review their learners."
)

if st.session_state.flash:
    st.warning(st.session_state.flash, icon=":material/info:")
    st.session_state.flash = None

with st.form("sign_in_form", border=True):
    username = st.text_input("Username", key="sign_in_username", autocomplete="username")
    password = st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", key="sign_in_submit", type="primary", icon=":material/login:")

if submitted:
    if not username.strip() or not password:
        st.error("Enter your username and password.")
    else:
        api = client()
        try:
            token = api.sign_in(username.strip(), password)
            user = api.me()
        except ApiError as e:
            if e.kind == "unauthorized":
                st.error("Wrong username or password.", icon=":material/error:")
            else:
                st.error(str(e), icon=":material/error:")
        else:
            st.session_state.token = token
            st.session_state.user = user
            st.session_state.go_home = True
            st.rerun()
