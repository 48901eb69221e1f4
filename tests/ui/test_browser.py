"""End to end in a real browser: Debian's headless Chromium driven by Playwright against the real
Streamlit server (`hedgehog ui`'s command line) and a live API. The demo learner signs in, answers
Q742 and sees every stage card; the demo coach signs in and overrides a stage with a reason.
A screenshot of the feedback page is saved under the test's tmp_path."""

import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from ui_testkit import GOOD_ANSWER_Q742, account_of
from fixtures_live import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
CAPACITY_STAGE_IDS = ["current_load", "growth_projection", "nonlinear_factors", "capacity_needs", "bottlenecks"]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("HEDGEHOG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def ui_url(live_api, tmp_path_factory):
    """`streamlit run ui/app.py` headless on a free port, exactly as `hedgehog ui` starts it."""
    from hedgehog.commands.ui import start_streamlit, stop_process, wait_for_http

    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log_path, "wb") as log:
        process = start_streamlit(port, live_api.url, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


@pytest.fixture
def page(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def sign_in(page, ui_url: str, username: str, password: str, landing: str) -> None:
    from playwright.sync_api import expect

    page.goto(ui_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=landing)).to_be_visible(timeout=TIMEOUT_MS)


def choose(page, widget_key: str, option: str) -> None:
    """Pick the option of a Streamlit selectbox that contains `option` (typing filters the list)."""
    from playwright.sync_api import expect

    box = page.locator(f".st-key-{widget_key}").get_by_role("combobox")
    box.click()
    box.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    expect(box).to_have_value(re.compile(re.escape(option)))


def test_learner_answers_and_coach_overrides_in_a_real_browser(live_api, ui_url, page, tmp_path):
    from playwright.sync_api import expect

    page.set_default_timeout(TIMEOUT_MS)

    # The learner answers Q742 and gets a card for every stage of the capacity framework.
    sign_in(page, ui_url, live_api.learner.username, live_api.learner.password, "Practice")
    choose(page, "practice_question_id", "Q742")
    expect(page.get_by_text("Estimate how much bandwidth is needed for launching YouTube TV").first).to_be_visible()
    expect(page.locator(".st-key-practice_bank_framework_Q742").get_by_role("radio", name="Capacity")).to_be_checked()
    answer_box = page.get_by_label("Your answer")
    answer_box.fill(GOOD_ANSWER_Q742)
    answer_box.press("Control+Enter")
    expect(page.get_by_text(f"{len(GOOD_ANSWER_Q742.split())} words", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit for feedback").click()
    expect(page.get_by_role("heading", name="Feedback")).to_be_visible()
    for stage_id in CAPACITY_STAGE_IDS:
        expect(page.locator(f".st-key-feedback_stage_{stage_id}")).to_be_visible()
    highlighted = page.locator(".hedgehog-answer mark")
    expect(highlighted.first).to_be_visible()
    # the learner's own markup is shown as text, not rendered
    expect(page.locator(".hedgehog-answer")).to_contain_text("<b>Not bold</b> & *not italic*.")
    expect(page.locator(".hedgehog-answer b")).to_have_count(0)

    page.set_viewport_size({"width": 1400, "height": 3600})
    page.get_by_role("heading", name="Feedback").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let the last cards paint
    screenshot = tmp_path / "feedback.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 20_000

    learner = account_of(live_api, live_api.learner)
    history = httpx.get(f"{live_api.url}/v1/learners/{learner.id}/submissions",
                        headers={"Authorization": f"Bearer {learner.token}"}).json()["items"]
    submission = history[0]
    automatic = {s["stage_id"]: s["automatic_score"] for s in submission["stages"]}
    new_score = 4 if automatic["current_load"] != 4 else 2

    # The coach signs in, opens that submission and overrides Current Load with a reason.
    page.get_by_role("button", name="Sign out").click()
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, ui_url, live_api.coach.username, live_api.coach.password, "Coach")
    choose(page, "coach_learner", live_api.learner.username)
    choose(page, f"coach_submission_{learner.id}", f"#{submission['id']} ·")
    choose(page, f"coach_score_{submission['id']}_current_load", str(new_score))
    page.locator(f".st-key-coach_reason_{submission['id']}_current_load input").fill("Baseline worked through")
    page.locator(f".st-key-coach_comment_{submission['id']} textarea").fill("Clear baseline; rank the bottlenecks.")
    page.locator(f".st-key-coach_review_submit_{submission['id']} button").click()
    expect(page.get_by_text(f"Review saved for submission #{submission['id']}")).to_be_visible()
    expect(page.get_by_text(f"Coach's score: {new_score}/4 (automatic {automatic['current_load']})")).to_be_visible()

    stored = httpx.get(f"{live_api.url}/v1/submissions/{submission['id']}",
                       headers={"Authorization": f"Bearer {learner.token}"}).json()
    current_load = next(s for s in stored["effective"]["stages"] if s["stage_id"] == "current_load")
    assert (current_load["automatic_score"], current_load["coach_score"]) == (automatic["current_load"], new_score)
    assert current_load["coach_reason"] == "Baseline worked through"
