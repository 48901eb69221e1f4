"""Helpers for the UI tests: accounts on the live API, sample answers, and ui/app.py under AppTest.
(A uniquely named module rather than conftest.py: several test folders have a conftest.)"""

import itertools
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
APP_PATH = str(UI_DIR / "app.py")
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))  # the UI's own modules (api_client, feedback) for unit tests

APPTEST_TIMEOUT = 60

GOOD_ANSWER_Q742 = (
    "Today YouTube serves about 2M concurrent viewers at peak and 1M on average, each stream at 5 Mbps, "
    "so the baseline is 2M x 5 Mbps = 10 Tbps at peak on roughly 400 edge servers.\n\n"
    "For the YouTube TV launch we target 10x growth over 12 months, so 20M concurrent viewers. "
    "Peak is 2.5x the average and we add a 30% buffer for spikes and holiday seasonality like the Super Bowl.\n\n"
    "Bandwidth = 20M x 5 Mbps x 1.3 = 130 Tbps at peak, about 13,000 edge servers at 10 Gbps each; "
    "at $0.01 per GB that costs about $5M a month.\n\n"
    "CDN edge capacity fails first, before origin storage; mitigation: adaptive bitrate, pre-warmed edge "
    "caches and regional CDN partners. <b>Not bold</b> & *not italic*."
)
SHORT_ANSWER_Q742 = "We have 2M concurrent viewers today. At 10x that is 20M. The CDN fails first, so add caches."


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    id: int
    token: str


_counter = itertools.count(1)


def make_account(api, engine, role: str = "learner", coach: str | None = "demo-coach") -> Account:
    from sqlmodel import Session

    from hedgehog.db import crud
    from hedgehog.db.models import UserCreate, UserRole

    username = f"ui-{role}-{os.getpid()}-{next(_counter)}"
    password = secrets.token_urlsafe(12)
    with Session(engine) as session:
        crud.create_user(session, UserCreate(username=username, role=UserRole(role), password=password))
        if role == "learner" and coach:
            crud.assign_learner(session, coach, username)
    token = httpx.post(f"{api.url}/v1/auth/token", data={"username": username, "password": password}).json()[
        "access_token"]
    me = httpx.get(f"{api.url}/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    return Account(username, password, me["id"], token)


def account_of(api, credentials) -> Account:
    token = api.token(credentials)
    me = httpx.get(f"{api.url}/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    return Account(credentials.username, credentials.password, me["id"], token)


def submit(api, account: Account, answer: str, **question) -> dict:
    reply = httpx.post(f"{api.url}/v1/submissions", json={"answer": answer, **question},
                       headers={"Authorization": f"Bearer {account.token}"}, timeout=60)
    assert reply.status_code == 201, reply.text
    return reply.json()


def app_for(api_url: str, account: Account | None = None, role: str | None = None):
    """ui/app.py under AppTest, pointed at `api_url`, optionally already signed in."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP_PATH, default_timeout=APPTEST_TIMEOUT)
    at.session_state["api_url"] = api_url
    if account is not None:
        at.session_state["token"] = account.token
        at.session_state["user"] = {"id": account.id, "username": account.username, "role": role or "learner"}
    return at


def texts(at) -> str:
    """Every piece of text the page shows (markdown, alerts, captions, titles), joined."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    return "\n".join(parts)
