"""`hedgehog ui` (the Streamlit front end) and `hedgehog demo` (API + UI together, for the README)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from hedgehog.commands import fail

DEFAULT_UI_PORT = 8501
DEFAULT_API_PORT = 8000
STARTUP_SECONDS = 90.0
DEMO_DATABASE_URL = "sqlite:///./hedgehog.db"


def ui_app_path() -> Path:
    """ui/app.py at the top of the repository (service/hedgehog/commands/ui.py -> repository root)."""
    return Path(__file__).resolve().parents[3] / "ui" / "app.py"


def streamlit_command(port: int, host: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(ui_app_path()),
        "--server.headless", "true",
        "--server.address", host,
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]


def start_streamlit(port: int, api_url: str, host: str = "127.0.0.1", **popen_kwargs) -> subprocess.Popen:
    env = {**os.environ, "HEDGEHOG_API_URL": api_url, **popen_kwargs.pop("env", {})}
    return subprocess.Popen(streamlit_command(port, host), env=env, **popen_kwargs)


def wait_for_http(url: str, process: subprocess.Popen | None = None, timeout: float = STARTUP_SECONDS) -> None:
    """Poll `url` until it answers 200; raise RuntimeError if `process` exits or time runs out."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited with status {process.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} seconds")


def stop_process(process: subprocess.Popen | None, grace_seconds: float = 10.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


# Lines of `hedgehog serve --demo` that carry the demo credentials (echoed again in the summary).
_CREDENTIAL_LINE = re.compile(r"demo-(learner|coach)", re.IGNORECASE)


def _echo_and_collect(stream, collected: list[str], quiet: threading.Event) -> None:
    """Echo the API's output; once the demo is up (`quiet`), only what is not routine INFO logging."""
    for line in iter(stream.readline, ""):
        if not (quiet.is_set() and line.startswith("INFO:")):
            sys.stdout.write(line)
            sys.stdout.flush()
        if _CREDENTIAL_LINE.search(line):
            collected.append(line.rstrip())


def _interrupt(signum, frame) -> None:  # noqa: ANN001
    raise KeyboardInterrupt


def register(app: typer.Typer) -> None:
    @app.command()
    def ui(
        port: Annotated[int, typer.Option("--port", help="Port for the web UI.")] = DEFAULT_UI_PORT,
        api_url: Annotated[Optional[str], typer.Option("--api-url", help="The Hedgehog API (default: HEDGEHOG_API_URL).")] = None,
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    ) -> None:
        """Start the Streamlit front end (headless) against the Hedgehog API."""
        from hedgehog.config import get_settings

        target = (api_url or get_settings().hedgehog_api_url).rstrip("/")
        print(f"Hedgehog UI on http://{host}:{port} (API: {target}); Ctrl-C stops it.", flush=True)
        # Become the Streamlit process, so Ctrl-C and SIGTERM reach it directly.
        command = streamlit_command(port, host)
        os.execve(command[0], command, {**os.environ, "HEDGEHOG_API_URL": target})

    @app.command()
    def demo(
        port: Annotated[int, typer.Option("--port", help="Port for the web UI.")] = DEFAULT_UI_PORT,
        api_port: Annotated[int, typer.Option("--api-port", help="Port for the API.")] = DEFAULT_API_PORT,
    ) -> None:
        """Run the local demo: the API (SQLite file ./hedgehog.db, deterministic grader, demo users) and the UI."""
        api_url = f"http://127.0.0.1:{api_port}"
        # Self-contained: a SQLite file in the working folder and the deterministic grader (empty
        # OPENAI_* variables override any .env), whatever the shell has configured.
        env = {**os.environ, "HEDGEHOG_ENV": "development", "DATABASE_URL": DEMO_DATABASE_URL,
               "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
        signal.signal(signal.SIGTERM, _interrupt)  # stop both children as Ctrl-C does (finally below)
        credentials: list[str] = []
        api = subprocess.Popen(
            [sys.executable, "-m", "hedgehog.cli", "serve", "--demo", "--host", "127.0.0.1", "--port", str(api_port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        quiet = threading.Event()
        threading.Thread(target=_echo_and_collect, args=(api.stdout, credentials, quiet), daemon=True).start()
        ui_process = None
        try:
            try:
                wait_for_http(f"{api_url}/healthz", api)
                ui_process = start_streamlit(port, api_url, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
                wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", ui_process)
            except RuntimeError as e:
                fail(f"the demo did not start: {e}")
            print("\n" + "=" * 72)
            print(f"Hedgehog is running: open http://127.0.0.1:{port}")
            print(f"API: {api_url} (OpenAPI docs at {api_url}/docs)")
            if credentials:
                print("Demo accounts:")
                for line in credentials:
                    print(f"  {line.strip()}")
            else:
                print("Demo accounts demo-learner and demo-coach already existed; their passwords were printed "
                      "when they were created.")
            print("Press Ctrl-C to stop both.")
            print("=" * 72, flush=True)
            quiet.set()
            while api.poll() is None and ui_process.poll() is None:
                time.sleep(0.5)
            fail("the API or the UI stopped unexpectedly")
        except KeyboardInterrupt:
            print("\nStopping Hedgehog…", flush=True)
        finally:
            stop_process(ui_process)
            stop_process(api)
