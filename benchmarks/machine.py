"""What every benchmark result records about its run and the machine it ran on, and how it is written."""

import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine(load_average: bool = False) -> dict:
    """Platform, processor, CPU count and Python; with `load_average`, the load average now (a
    live-server benchmark shares the machine with its server, so the load at the end says how
    busy it was)."""
    machine: dict = {
        "platform": platform.platform(),
        "processor": cpu_model(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    if load_average:
        machine["load_average_at_end"] = list(os.getloadavg())
    return machine


def result_header(benchmark: str, command: str, load_average: bool = False) -> dict:
    """The fields every result opens with: which benchmark, how to rerun it, when, and where."""
    return {
        "benchmark": benchmark,
        "command": command,
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": describe_machine(load_average),
    }


def write_result(path: Path, result: dict) -> None:
    """Write a result as JSON and say where (relative to the working directory when it is inside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    shown = path.relative_to(Path.cwd()) if path.is_absolute() and path.is_relative_to(Path.cwd()) else path
    print(f"wrote {shown}", flush=True)
