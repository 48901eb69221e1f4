"""Burst benchmark: 500 submissions from 50 learners sent at once (open loop, the shape of the
reliability test) to `hedgehog serve --workers 2` on SQLite and PostgreSQL, under several thread
and connection-pool settings. Prints how every request ended and how long the slowest waited.

    python benchmarks/bench_burst.py                    # both backends, the default settings
    python benchmarks/bench_burst.py --backend sqlite

Each configuration gets a fresh database (a temp SQLite file; a new `hedgehog_bench_<random>`
database on the server of TEST_DATABASE_URL, dropped afterwards) and its own server. The
per-learner rate limit (8 in 10 minutes, counters in Redis at 127.0.0.1:6379 db 11) refuses the
excess 100 requests with 429, as in tests/reliability/test_concurrency.py. The client allows 100
connections and waits up to 120 s for each response. Writes benchmarks/results/burst.json.
"""

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "tests" / "reliability"))  # the live-system harness shared with the tests

from loadgen import percentile  # noqa: E402
from machine import result_header, write_result  # noqa: E402
from reliability_harness import (  # noqa: E402
    REDIS_URL,
    HedgehogServer,
    bearer,
    bench_database,
    prepare,
    seed_learners,
)

RESULTS = BENCH_DIR / "results" / "burst.json"
LEARNERS, PER_LEARNER, LIMIT_PER_LEARNER = 50, 10, 8
ANSWER = (
    "We serve about 2,000 RPS today with a 3x evening peak; at 10x that is 60k RPS at peak. "
    "The primary database's write path fails first, so we queue writes, cache reads and shard by learner."
)
# (label, server environment): the defaults, the threadpool of earlier versions, and a server with
# fewer connections than threads and fewer threads than requests (the deadlock-prone shape).
CONFIGURATIONS = [
    ("defaults (16 threads, pool 5+10)", {}),
    ("40 threads, pool 5+10", {"WORKER_THREADS": "40"}),
    ("4 threads, pool 2+0", {"WORKER_THREADS": "4", "DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "0"}),
]


async def burst(base_url: str, learners: list[tuple[int, str]]) -> list[tuple[str, float]]:
    """(status code or exception name, seconds) for every request, all sent at once."""
    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:

        async def submit(learner_id: int, token: str, n: int) -> tuple[str, float]:
            body = {"question_id": "Q473" if n % 2 else "Q742", "answer": f"{ANSWER} [{learner_id} {n}]",
                    "grader": "deterministic"}
            started = time.perf_counter()
            try:
                response = await client.post("/v1/submissions", json=body, headers=bearer(token))
                outcome = str(response.status_code)
            except httpx.HTTPError as e:
                outcome = type(e).__name__
            return outcome, time.perf_counter() - started

        return await asyncio.gather(*(submit(lid, tok, n) for n in range(PER_LEARNER) for lid, tok in learners))


def run_one(backend: str, label: str, extra_env: dict[str, str]) -> dict:
    signing_key = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="hedgehog-burst-") as tmp:
        with bench_database(backend, tmp) as url:
            engine = prepare(url)
            learners = seed_learners(engine, LEARNERS, signing_key)
            engine.dispose()
            env = {
                "DATABASE_URL": url, "HEDGEHOG_SECRET_KEY": signing_key, "HEDGEHOG_ENV": "production",
                "LLM_CACHE": "off", "GRADE_RATE_PER_MINUTE": str(LIMIT_PER_LEARNER), "RATE_LIMIT_WINDOW_SECONDS": "600",
                "REDIS_URL": REDIS_URL, "RATE_LIMIT_KEY_PREFIX": f"hedgehog-bench:{uuid.uuid4().hex}", **extra_env,
            }
            with HedgehogServer(env, workers=2, log_dir=Path(tmp)) as server:
                started = time.perf_counter()
                outcomes = asyncio.run(burst(server.url, learners))
                wall = time.perf_counter() - started
    seconds = sorted(s for _, s in outcomes)
    return {
        "backend": backend,
        "configuration": label,
        "environment": extra_env,
        "wall_seconds": round(wall, 2),
        "outcomes": dict(sorted(Counter(o for o, _ in outcomes).items())),
        "p50_s": round(percentile(seconds, 50), 2),
        "p99_s": round(percentile(seconds, 99), 2),
        "max_s": round(seconds[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = []
    print(f"{'backend':<9} {'configuration':<34} {'wall s':>7} {'p50 s':>6} {'p99 s':>6} {'max s':>6}  outcomes")
    for backend in backends:
        for label, extra_env in CONFIGURATIONS:
            row = run_one(backend, label, extra_env)
            rows.append(row)
            print(f"{backend:<9} {label:<34} {row['wall_seconds']:>7.1f} {row['p50_s']:>6.1f} {row['p99_s']:>6.1f} "
                  f"{row['max_s']:>6.1f}  {row['outcomes']}", flush=True)
    result = {
        **result_header("burst", "python benchmarks/bench_burst.py", load_average=True),
        "requests": LEARNERS * PER_LEARNER,
        "learners": LEARNERS,
        "limit_per_learner": LIMIT_PER_LEARNER,
        "runs": rows,
    }
    print()
    write_result(RESULTS, result)


if __name__ == "__main__":
    main()
