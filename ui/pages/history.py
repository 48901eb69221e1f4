"""History & progress: the signed-in learner's attempts, per-stage trends, readiness and comparisons."""

import streamlit as st

from learner_view import render_learner_overview
from session import client, require_user

user = require_user("learner")

st.title("History & progress")
render_learner_overview(client(), st.session_state.api_url, user["id"], key_prefix="history")
