"""Where the versioned data files (rubrics, prompts, evals) live.

They sit at the top of the repository so that a newcomer finds them beside the code that uses
them; `HEDGEHOG_DATA_DIR` points elsewhere (a deployed copy, a test fixture).
"""

import os
from pathlib import Path


def project_root() -> Path:
    override = os.environ.get("HEDGEHOG_DATA_DIR")
    if override:
        return Path(override)
    # service/hedgehog/paths.py -> repository root
    return Path(__file__).resolve().parents[2]


def rubrics_dir() -> Path:
    return project_root() / "rubrics"


def prompts_dir() -> Path:
    return project_root() / "prompts"


def evals_dir() -> Path:
    return project_root() / "evals"
