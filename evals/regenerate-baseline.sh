#!/usr/bin/env bash
# Re-record evals/baseline.json from what is committed (HEAD), exactly as a clean CI clone sees it:
# uncommitted grader or rubric edits in this working tree do not leak into the baseline.
# Commit grader/rubric changes first, run this, review `git diff evals/baseline.json`, commit it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive HEAD | tar -x -C "$work"
(cd "$work" && PYTHONPATH=service python -m hedgehog.cli eval --update-baseline --out "$work/eval-out" "$@")
cp "$work/evals/baseline.json" "$repo/evals/baseline.json"
echo "evals/baseline.json re-recorded from $(git -C "$repo" rev-parse --short HEAD)"
