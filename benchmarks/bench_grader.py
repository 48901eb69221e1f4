"""Deterministic grader throughput: grades/sec and median/p99 per grade by answer length.

    python benchmarks/bench_grader.py [--seconds 1.5] [--question-id Q742]

Answers are built from a realistic 300-word answer (benchmarks/corpus/q742_answer.txt): its
sentences are rotated and its numbers changed per variant, then repeated and cut to the target
length, so no two consecutive grades see the same text. The cost per character is printed for
every row; roughly equal values across rows mean the cost grows linearly with the answer.

On a shared machine the speed drifts over seconds, so rows are timed in interleaved rounds (every
row gets a slice of every round) and a slow spell hits all rows alike. Each row's median is over
all its grades; "best round" is its median in its least disturbed round, for comparison only.
Writes benchmarks/results/grader.json.
"""

import argparse
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from hedgehog.grading.grade import get_grader, grade, prepare_request
from loadgen import percentile
from machine import result_header, write_result

BENCH_DIR = Path(__file__).resolve().parent
CORPUS = BENCH_DIR / "corpus" / "q742_answer.txt"
RESULTS = BENCH_DIR / "results" / "grader.json"
CHAR_SIZES = (100, 300, 1_000, 5_000, 20_000)
WORDS_ROW = 300
VARIANTS = 16
ROUNDS = 10


def _variants(base: str, count: int) -> list[str]:
    """Rotate the sentences and scale every number, so each variant is a different realistic answer."""
    sentences = re.split(r"(?<=[.:])\s+", base.strip())
    out = []
    for i in range(count):
        rotated = sentences[i % len(sentences):] + sentences[: i % len(sentences)]
        text = " ".join(rotated)
        out.append(re.sub(r"\d+", lambda m: str(int(m.group()) + i), text))
    return out


def _cut(text: str, chars: int) -> str:
    repeated = (text + "\n\n") * (chars // (len(text) + 2) + 1)
    return repeated[:chars].rstrip() or repeated[:chars]


def _first_words(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def _time_grades(answers: list[str], question_id: str, seconds: float, min_grades: int) -> list[float]:
    """Per-grade wall time in seconds through the public grade() facade (validation included)."""
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline or len(timings) < min_grades:
        answer = answers[i % len(answers)]
        start = time.perf_counter()
        grade(answer, question_id=question_id, grader="deterministic")
        timings.append(time.perf_counter() - start)
        i += 1
    return timings


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BENCH_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="time spent per row (default 1.5)")
    parser.add_argument("--min-grades", type=int, default=30, help="grades per row at least (default 30)")
    parser.add_argument("--question-id", default="Q742")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    variants = _variants(CORPUS.read_text(encoding="utf-8"), VARIANTS)
    rows_spec: list[tuple[str, list[str]]] = [(f"{n:,} chars", [_cut(v, n) for v in variants]) for n in CHAR_SIZES]
    rows_spec.insert(3, (f"{WORDS_ROW} words", [_first_words(_cut(v, 20_000), WORDS_ROW) for v in variants]))

    # Warm up: rubric, lexicon and compiled patterns are loaded once per process.
    grade(variants[0], question_id=args.question_id, grader="deterministic")
    request = prepare_request(variants[0], question_id=args.question_id)
    get_grader("deterministic").grade(request)

    per_round: dict[str, list[list[float]]] = {label: [] for label, _ in rows_spec}
    for _ in range(ROUNDS):
        for label, answers in rows_spec:
            per_round[label].append(
                _time_grades(answers, args.question_id, args.seconds / ROUNDS, max(1, args.min_grades // ROUNDS))
            )

    rows = []
    for label, answers in rows_spec:
        timings = [t for round_timings in per_round[label] for t in round_timings]
        chars = round(statistics.mean(len(a) for a in answers))
        median = statistics.median(timings)
        best_round = min(statistics.median(r) for r in per_round[label])
        rows.append(
            {
                "row": label,
                "chars": chars,
                "words": round(statistics.mean(len(a.split()) for a in answers)),
                "grades": len(timings),
                "grades_per_sec": round(len(timings) / sum(timings), 1),
                "median_ms": round(median * 1e3, 4),
                "best_round_median_ms": round(best_round * 1e3, 4),
                "p99_ms": round(percentile(sorted(timings), 99) * 1e3, 4),
                "us_per_1k_chars": round(median * 1e6 / chars * 1_000, 2),
            }
        )

    reference_row = next(r for r in rows if r["chars"] == 1_000)
    reference = reference_row["us_per_1k_chars"]
    for row in rows:
        row["per_char_cost_vs_1k_row"] = round(row["us_per_1k_chars"] / reference, 2)

    header = (
        f"{'answer':>13} {'chars':>7} {'words':>6} {'grades':>7} {'grades/s':>10} {'median ms':>10} {'best round':>10} "
        f"{'p99 ms':>9} {'us/1k chars':>12} {'vs 1k':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['row']:>13} {r['chars']:>7,} {r['words']:>6} {r['grades']:>7,} {r['grades_per_sec']:>10,.1f} "
            f"{r['median_ms']:>10.3f} {r['best_round_median_ms']:>10.3f} {r['p99_ms']:>9.3f} {r['us_per_1k_chars']:>12.1f} "
            f"{r['per_char_cost_vs_1k_row']:>6.2f}"
        )
    words_row = next(r for r in rows if r["row"].endswith("words"))
    big, small = rows[-1], reference_row
    growth = (big["median_ms"] / small["median_ms"]) / (big["chars"] / small["chars"])
    print(
        f"\n{WORDS_ROW}-word answer: median {words_row['median_ms']:.3f} ms, best round {words_row['best_round_median_ms']:.3f} ms "
        f"(target < 1 ms: {'met' if words_row['median_ms'] < 1 else 'NOT met'})"
    )
    print(
        f"20,000 vs 1,000 chars: time x{big['median_ms'] / small['median_ms']:.1f} for x{big['chars'] / small['chars']:.0f} "
        f"the text -> per-char cost ratio {growth:.2f} (1.0 = linear)"
    )

    result = {
        **result_header("deterministic grader", "python benchmarks/bench_grader.py"),
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "rounds": ROUNDS,
        "question_id": args.question_id,
        "seconds_per_row": args.seconds,
        "rows": rows,
        "target_300_words_median_ms": 1.0,
        "target_met": words_row["median_ms"] < 1,
        "per_char_cost_ratio_20k_vs_1k": round(growth, 3),
    }
    print()
    write_result(args.output, result)


if __name__ == "__main__":
    sys.exit(main())
