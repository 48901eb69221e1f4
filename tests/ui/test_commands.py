"""`hedgehog ui` and `hedgehog demo` start real servers on free ports and stop cleanly."""

import os
import re
import signal
import subprocess
import sys
import time

import httpx

from fixtures_live import free_port
from hedgehog.commands.ui import wait_for_http


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def test_hedgehog_ui_serves_the_app(live_api, tmp_path):
    port = free_port()
    log = open(tmp_path / "ui.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "hedgehog.cli", "ui", "--port", str(port), "--api-url", live_api.url],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process, timeout=60)
        assert "<title>Streamlit</title>" in httpx.get(f"http://127.0.0.1:{port}/").text
    finally:
        stop(process)
        log.close()
    assert f"API: {live_api.url}" in (tmp_path / "ui.log").read_text()


def test_hedgehog_demo_starts_api_and_ui_and_prints_credentials(tmp_path):
    ui_port, api_port = free_port(), free_port()
    # a shell configured for PostgreSQL and an LLM must not leak into the self-contained demo
    env = {**os.environ, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
           "OPENAI_API_KEY": "sk-not-used", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "hedgehog.cli", "demo", "--port", str(ui_port), "--api-port", str(api_port)],
        cwd=tmp_path, env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        text = "".join(output)
        assert f"Hedgehog is running: open http://127.0.0.1:{ui_port}" in text, text
        passwords = dict(re.findall(r"^  demo account created: (\S+) / (\S+)", text, re.MULTILINE))
        assert set(passwords) == {"demo-learner", "demo-coach"}
        assert httpx.get(f"http://127.0.0.1:{ui_port}/_stcore/health").status_code == 200
        token = httpx.post(f"http://127.0.0.1:{api_port}/v1/auth/token",
                           data={"username": "demo-learner", "password": passwords["demo-learner"]})
        assert token.status_code == 200
        assert (tmp_path / "hedgehog.db").exists()  # the demo's SQLite file, in the working folder
        graded = httpx.post(f"http://127.0.0.1:{api_port}/v1/grade", json={"question_id": "Q742", "answer": "x y z"})
        assert graded.json()["grader"] == "deterministic"
    finally:
        stop(process)
    for port in (ui_port, api_port):  # both servers are gone
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            raise AssertionError(f"port {port} still answers after the demo stopped")
        except httpx.TransportError:
            pass


def test_serve_refuses_a_keep_alive_below_one_second():
    # Idle connections outlast a load balancer's idle timeout (default 75 s); zero would drop them at once.
    result = subprocess.run(
        [sys.executable, "-m", "hedgehog.cli", "serve", "--keep-alive", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "--keep-alive" in result.stderr, result.stderr
