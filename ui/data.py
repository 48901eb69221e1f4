"""Public reference data (question bank, rubrics) fetched once per API URL and cached briefly.
Failures are not cached: the page shows the error and tries again on the next run."""

from typing import Any

import streamlit as st

from api_client import HedgehogClient
from session import api_call

CACHE_SECONDS = 300


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _questions(api_url: str) -> list[dict[str, Any]]:
    return HedgehogClient(api_url).questions()


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _rubric(api_url: str, framework: str) -> dict[str, Any]:
    return HedgehogClient(api_url).rubric(framework)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _rubrics(api_url: str) -> list[dict[str, Any]]:
    return HedgehogClient(api_url).rubrics()


def cached_questions(api_url: str) -> list[dict[str, Any]] | None:
    return api_call(lambda: _questions(api_url))


def cached_rubric(api_url: str, framework: str) -> dict[str, Any] | None:
    return api_call(lambda: _rubric(api_url, framework))


def cached_rubrics(api_url: str) -> list[dict[str, Any]] | None:
    return api_call(lambda: _rubrics(api_url))


def stage_names(api_url: str, framework: str) -> dict[str, str]:
    """stage id -> display name, in the rubric's order ({} when the rubric is unavailable)."""
    rubric = cached_rubric(api_url, framework) or {}
    return {s["id"]: s.get("name", s["id"]) for s in rubric.get("stages") or [] if "id" in s}
