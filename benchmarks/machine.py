"""What every benchmark result records about the machine it ran on."""

import os
import platform
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
