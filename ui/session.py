"""Session state, the API client of the signed-in person, and page guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from api_client import ApiError, HedgehogClient, api_url_from_environment

T = TypeVar("T")

SESSION_DEFAULTS: dict[str, Any] = {
    "api_url": None,  # filled from HEDGEHOG_API_URL on first run
    "token": None,
    "user": None,  # {"id", "username", "role"} from GET /v1/me
    "go_home": False,  # set after signing in: app.py switches to the role's first page
    "flash": None,  # a message for the next page shown (e.g. why the person was signed out)
}


def ensure_state() -> None:
    for key, value in SESSION_DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value
    if not st.session_state.api_url:
        st.session_state.api_url = api_url_from_environment()


def client() -> HedgehogClient:
    ensure_state()
    return HedgehogClient(st.session_state.api_url, st.session_state.token)


def current_user() -> dict[str, Any] | None:
    return st.session_state.get("user")


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    ensure_state()


def show_error(error: ApiError) -> None:
    """Show an API failure as a readable message. An expired session signs the person out and
    the sign-in page shows the message (kept in `flash` across the rerun)."""
    if error.kind == "unauthorized" and st.session_state.get("token"):
        sign_out()
        st.session_state.flash = str(error)
        st.rerun()
    st.error(str(error), icon=":material/error:")


def api_call(action: Callable[[], T]) -> T | None:
    """Run one API call; on failure show the error and return None (never a traceback)."""
    try:
        return action()
    except ApiError as e:
        show_error(e)
        return None


def require_user(*roles: str) -> dict[str, Any]:
    """Stop the page unless someone with one of `roles` (any role when empty) is signed in."""
    ensure_state()
    user = current_user()
    if not user or not st.session_state.token:
        st.info("Please sign in first.", icon=":material/login:")
        st.stop()
    if roles and user.get("role") not in roles:
        st.warning(f"This page is for {' or '.join(roles)} accounts; you are signed in as a {user.get('role')}.")
        st.stop()
    return user
