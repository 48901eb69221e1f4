"""Print the benchmark results in benchmarks/results/*.json as the Markdown tables of
benchmarks/README.md, so the README is refreshed from measurements, never typed by hand.

    python benchmarks/report.py
"""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def grader_table(result: dict) -> list[str]:
    lines = [
        f"Deterministic grader ({result['measured_at']}, commit {result.get('git_commit')}, Python {result['python']}, "
        f"{result['machine'].get('processor', '?')}):",
        "",
        "| answer | chars | grades/s | median ms | best round ms | p99 ms | µs per 1k chars | per-char cost vs 1,000-char row |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        best = r.get("best_round_median_ms")
        lines.append(
            f"| {r['row']} | {r['chars']:,} | {r['grades_per_sec']:,.0f} | {r['median_ms']:.2f} | "
            f"{'—' if best is None else f'{best:.2f}'} | {r['p99_ms']:.2f} "
            f"| {r['us_per_1k_chars']:,.0f} | {r['per_char_cost_vs_1k_row']:.2f} |"
        )
    words = next(r for r in result["rows"] if r["row"].endswith("words"))
    lines += [
        "",
        f"300-word answer: median {words['median_ms']:.2f} ms (target < 1 ms: {'met' if result['target_met'] else '**not met**'}); "
        f"20,000 vs 1,000 chars per-char cost ratio {result['per_char_cost_ratio_20k_vs_1k']:.2f} (1.0 = linear).",
    ]
    return lines


def api_table(results: list[dict]) -> list[str]:
    lines = [
        "| backend | endpoint | RPS (32 users) | share of bare RPS | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for r in result["endpoints"]:
            lines.append(
                f"| {result['backend']} | `{r['name']}` | {r['rps']:,.0f} | {r['share_of_bare_rps']:.0%} "
                f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} |"
            )
    lines.append("")
    for result in results:
        t = result["targets"]
        lines.append(
            f"- {result['backend']} ({result['measured_at']}, {result['stored_submissions']:,} stored submissions, "
            f"{result['bytes_per_submission']:,} bytes each on disk, load average at the end "
            f"{result['machine']['load_average_at_end'][0]:.1f} on {result['machine']['cpus']} CPUs): "
            f"`POST /v1/grade` at {t['grade_share_of_bare']['measured']:.0%} of the bare endpoint "
            f"(target ≥ 50%: {'met' if t['grade_share_of_bare']['met'] else '**not met**'}); history p99 "
            f"{t['history_p99_ms']['measured']:.1f} ms (target < 50 ms: {'met' if t['history_p99_ms']['met'] else '**not met**'})."
        )
    return lines


def llm_table(result: dict) -> list[str]:
    lines = [
        f"LLM grader against the scripted server with {result['server_latency_seconds']:g} s latency "
        f"({result['measured_at']}, cache: {result['cache']}):",
        "",
        "| llm_concurrency | answers | seconds | grades/s | ideal grades/s | max in flight at server | repeat run: requests | repeat run: seconds |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        first, repeat = run["first_run"], run["repeat_run"]
        lines.append(
            f"| {run['concurrency']} | {first['answers']} | {first['seconds']:.2f} | {first['grades_per_sec']:.1f} "
            f"| {run['ideal_grades_per_sec']:.0f} | {first['max_in_flight_at_server']} | {repeat['requests_at_server']} "
            f"| {repeat['seconds']:.3f} |"
        )
    estimate = result.get("per_grade_estimate")
    if estimate:
        lines += ["", f"Per grade (estimate from the rendered prompt): ~{estimate['prompt_tokens_estimate']:,} prompt "
                      f"+ ~{estimate['completion_tokens_estimate']:,} completion tokens."]
    return lines


def burst_table(result: dict) -> list[str]:
    lines = [
        f"Burst of {result['requests']} submissions from {result['learners']} learners at once, "
        f"`hedgehog serve --workers 2` ({result['measured_at']}, limit {result['limit_per_learner']} per learner):",
        "",
        "| backend | configuration | wall s | p50 s | p99 s | max s | outcomes |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for run in result["runs"]:
        outcomes = ", ".join(f"{count} × {outcome}" for outcome, count in run["outcomes"].items())
        lines.append(f"| {run['backend']} | {run['configuration']} | {run['wall_seconds']:.1f} | {run['p50_s']:.1f} | "
                     f"{run['p99_s']:.1f} | {run['max_s']:.1f} | {outcomes} |")
    return lines


def main() -> None:
    out: list[str] = []
    grader = load("grader.json")
    if grader:
        out += grader_table(grader) + [""]
    api = [r for r in (load("api-sqlite.json"), load("api-postgres.json")) if r]
    if api:
        out += api_table(api) + [""]
    llm = load("llm.json")
    if llm:
        out += llm_table(llm) + [""]
    burst = load("burst.json")
    if burst:
        out += burst_table(burst)
    print("\n".join(out))


if __name__ == "__main__":
    main()
