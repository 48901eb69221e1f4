"""API load benchmark: `hedgehog serve --workers 2` on SQLite and on PostgreSQL with 100,000 stored
submissions, driven by an asyncio httpx load generator on loopback.

    python benchmarks/bench_api.py                      # both backends
    python benchmarks/bench_api.py --backend postgres --seconds 20 --concurrency 32

For each backend: a fresh database (a temp SQLite file; a new `hedgehog_bench_<random>` database on
the server of TEST_DATABASE_URL, dropped afterwards), 100 learners with 1,000 submissions each
(and their stage scores) bulk-inserted through the DB layer, then the server is started and
measured on GET /healthz (a bare FastAPI endpoint on the same server: the ceiling), POST /v1/grade,
POST /v1/submissions and GET /v1/learners/{id}/submissions. The rate limit is raised through
GRADE_RATE_PER_MINUTE so the limiter runs but never refuses. Each endpoint is measured twice:
saturated by --concurrency virtual users (RPS, and each endpoint's RPS as a share of the bare
endpoint's), then one request at a time (p50/p95/p99 without queueing time); writes
benchmarks/results/api-<backend>.json. The load generator shares the machine with the server,
so the figures are a floor, not a ceiling.
"""

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT / "tests" / "reliability"))  # the live-system harness shared with the tests
sys.path.insert(0, str(BENCH_DIR))

from loadgen import LoadResult, run_load  # noqa: E402
from machine import result_header, write_result  # noqa: E402
from reliability_harness import HedgehogServer, bearer, bench_database, prepare  # noqa: E402

CORPUS = BENCH_DIR / "corpus" / "q742_answer.txt"
RESULTS_DIR = BENCH_DIR / "results"
LEARNERS = 100
QUESTIONS = ("Q742", "Q473", "Q110", "Q179", "Q745", "Q748")
TARGET_GRADE_SHARE = 0.5
TARGET_HISTORY_P99_MS = 50.0


def answer_variants(count: int) -> list[str]:
    """Realistic ~300-word answers: the corpus answer with its numbers changed per variant."""
    base = " ".join(CORPUS.read_text(encoding="utf-8").split()[:300])
    return [re.sub(r"\d+", lambda m, i=i: str(int(m.group()) + i), base) for i in range(count)]


def seed(engine, total: int, signing_key: str) -> list[tuple[int, str]]:
    """LEARNERS learners and `total` graded submissions with stage scores, bulk-inserted."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from hedgehog.api.security import create_access_token, hash_password
    from hedgehog.db.models import StageScore, Submission, User, UserRole
    from hedgehog.grading.grade import grade

    shared_hash = hash_password("bench-password-123")
    with Session(engine) as session:
        users = [User(username=f"bench-learner-{i}", role=UserRole.learner, password_hash=shared_hash) for i in range(LEARNERS)]
        session.add_all(users)
        session.commit()
        learner_ids = [u.id for u in users]

    # One real grade per (question, answer variant); the stored rows reuse them.
    variants = answer_variants(8)
    documents = [
        (answer, grade(answer, question_id=q, grader="deterministic")) for q in QUESTIONS for answer in variants
    ]
    submission_table, stage_table = Submission.__table__, StageScore.__table__
    start = datetime.now(timezone.utc) - timedelta(days=90)
    batch = 5_000
    with engine.begin() as connection:
        for offset in range(0, total, batch):
            rows, docs = [], []
            for n in range(offset, min(total, offset + batch)):
                answer, doc = documents[n % len(documents)]
                learner = learner_ids[n % LEARNERS]
                rows.append(
                    {
                        "learner_id": learner, "answer": answer, "attempt_number": n // (LEARNERS * len(QUESTIONS)) + 1,
                        "question_id": doc.question_id, "question_text": doc.question_text, "framework": doc.framework,
                        "grader": doc.grader, "rubric_version": doc.rubric_version, "prompt_version": None,
                        "model": None, "overall": doc.overall, "summary": doc.summary, "flags": list(doc.flags),
                        "extra": {}, "created_at": start + timedelta(seconds=n * 77),
                    }
                )
                docs.append(doc)
            ids = connection.execute(
                insert(submission_table).returning(submission_table.c.id, sort_by_parameter_order=True), rows
            ).scalars().all()
            stage_rows = [
                {
                    "submission_id": sid, "position": position, "stage_id": st.id, "name": st.name, "score": st.score,
                    "max_score": st.max_score, "label": st.label, "evidence": list(st.evidence),
                    "critique": st.critique, "missing": list(st.missing), "coach_score": None, "coach_reason": None,
                }
                for sid, doc in zip(ids, docs, strict=True)
                for position, st in enumerate(doc.stages)
            ]
            connection.execute(insert(stage_table), stage_rows)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return [(uid, create_access_token(uid, "learner", signing_key, 120)) for uid in learner_ids]


def storage_per_submission(engine, url: str, rows: int) -> int:
    """On-disk bytes per stored submission (its row, its stage rows and their indexes)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            total = connection.exec_driver_sql(
                "SELECT pg_total_relation_size('submission') + pg_total_relation_size('stage_score')"
            ).scalar_one()
    else:
        path = Path(url.removeprefix("sqlite:///"))
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        total = path.stat().st_size
    return round(total / max(rows, 1))


def merge(name: str, parts: list[LoadResult]) -> LoadResult:
    from collections import Counter

    statuses, errors, latencies = Counter(), Counter(), []
    for part in parts:
        statuses.update(part.statuses)
        errors.update(part.errors)
        latencies.extend(part.latencies_ms)
    return LoadResult(name, sum(p.requests for p in parts), sum(p.seconds for p in parts), latencies, statuses, errors)


async def measure(server_url: str, learners: list[tuple[int, str]], args) -> list[dict]:
    answers = answer_variants(64)
    rng = random.Random(7)

    async def healthz(client, i):
        return await client.get("/healthz")

    async def grade(client, i):
        body = {"question_id": QUESTIONS[i % len(QUESTIONS)], "answer": answers[i % len(answers)], "grader": "deterministic"}
        return await client.post("/v1/grade", json=body)

    async def submit(client, i):
        learner_id, token = learners[i % len(learners)]
        body = {"question_id": QUESTIONS[i % len(QUESTIONS)], "answer": answers[i % len(answers)], "grader": "deterministic"}
        return await client.post("/v1/submissions", json=body, headers=bearer(token))

    async def history(client, i):
        learner_id, token = learners[rng.randrange(len(learners))]
        return await client.get(f"/v1/learners/{learner_id}/submissions", headers=bearer(token))

    phases = [("GET /healthz (bare)", healthz), ("POST /v1/grade", grade), ("POST /v1/submissions", submit),
              ("GET /v1/learners/{id}/submissions", history)]
    # Rounds interleave the endpoints, so the bare ceiling and each endpoint are measured under the
    # same background load (this machine is shared; a single long phase per endpoint drifts).
    saturated: dict[str, list[LoadResult]] = {name: [] for name, _ in phases}
    for round_index in range(args.rounds):
        for name, request in phases:
            saturated[name].append(await run_load(
                name, server_url, request, concurrency=args.concurrency,
                max_requests=args.requests // args.rounds, max_seconds=args.seconds / args.rounds,
                warmup_requests=20 if round_index == 0 else 0,
            ))
    results = []
    for name, request in phases:
        loaded = merge(name, saturated[name]).summary()
        # Latency: one request at a time, so p99 is the server's own time, not time spent in a queue.
        single = (await run_load(
            name, server_url, request, concurrency=1, max_requests=args.latency_requests, max_seconds=args.seconds / 2,
            warmup_requests=5,
        )).summary()
        row = {
            "name": name, "rps": loaded["rps"], "saturated": loaded,
            "p50_ms": single["p50_ms"], "p95_ms": single["p95_ms"], "p99_ms": single["p99_ms"], "unloaded": single,
        }
        results.append(row)
        print(f"  {name:<36} {loaded['rps']:>8.1f} RPS at {args.concurrency} users (p99 {loaded['p99_ms']:.1f} ms)  | "
              f"one at a time: p50 {single['p50_ms']:.2f}  p95 {single['p95_ms']:.2f}  p99 {single['p99_ms']:.2f} ms  "
              f"{loaded['statuses']}", flush=True)
    bare = results[0]["rps"] or 1.0
    for row in results:
        row["share_of_bare_rps"] = round(row["rps"] / bare, 3)
    return results


def run_backend(backend: str, args) -> dict:
    import secrets

    signing_key = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="hedgehog-bench-") as tmp:
        with bench_database(backend, tmp) as url:
            engine = prepare(url)
            t0 = time.perf_counter()
            learners = seed(engine, args.rows, signing_key)
            seed_seconds = time.perf_counter() - t0
            bytes_per_submission = storage_per_submission(engine, url, args.rows)
            engine.dispose()
            print(f"{backend}: seeded {args.rows:,} submissions for {LEARNERS} learners in {seed_seconds:.1f}s", flush=True)
            env = {
                "DATABASE_URL": url, "HEDGEHOG_SECRET_KEY": signing_key, "HEDGEHOG_ENV": "production",
                "GRADE_RATE_PER_MINUTE": str(args.rate_limit), "LLM_CACHE": "off",
            }
            with HedgehogServer(env, workers=args.workers, log_dir=Path(tmp)) as server:
                rows = asyncio.run(measure(server.url, learners, args))
    by_name = {r["name"]: r for r in rows}
    grade_share = by_name["POST /v1/grade"]["share_of_bare_rps"]
    history_p99 = by_name["GET /v1/learners/{id}/submissions"]["p99_ms"]
    return {
        **result_header("api", "python benchmarks/bench_api.py --backend " + backend, load_average=True),
        "backend": backend,
        "server": {"workers": args.workers, "rate_limit_per_minute": args.rate_limit},
        "load": {"concurrency": args.concurrency, "max_requests": args.requests, "max_seconds": args.seconds,
                 "rounds": args.rounds, "latency_requests": args.latency_requests},
        "stored_submissions": args.rows,
        "learners": LEARNERS,
        "seed_seconds": round(seed_seconds, 1),
        "bytes_per_submission": bytes_per_submission,
        "endpoints": rows,
        "targets": {
            "grade_share_of_bare": {"target": TARGET_GRADE_SHARE, "measured": grade_share, "met": grade_share >= TARGET_GRADE_SHARE},
            "history_p99_ms": {"target": TARGET_HISTORY_P99_MS, "measured": history_p99, "met": history_p99 < TARGET_HISTORY_P99_MS},
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000, help="stored submissions (default 100,000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent virtual users (default 32)")
    parser.add_argument("--requests", type=int, default=4_000, help="request cap per endpoint (default 4,000)")
    parser.add_argument("--seconds", type=float, default=15.0, help="time cap per endpoint (default 15)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the endpoints (default 3)")
    parser.add_argument("--latency-requests", type=int, default=500, help="sequential requests for p50/p95/p99 (default 500)")
    parser.add_argument("--rate-limit", type=int, default=10_000_000, help="GRADE_RATE_PER_MINUTE for the server")
    args = parser.parse_args()

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    summaries = []
    for backend in backends:
        result = run_backend(backend, args)
        write_result(RESULTS_DIR / f"api-{backend}.json", result)
        summaries.append(result)
        print(flush=True)

    print("RPS: saturated with --concurrency users; p50/p95/p99: one request at a time (no queueing).")
    print(f"{'backend':<9} {'endpoint':<36} {'RPS':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'vs bare':>8}")
    for result in summaries:
        for row in result["endpoints"]:
            print(f"{result['backend']:<9} {row['name']:<36} {row['rps']:>8.1f} {row['p50_ms']:>8.2f} "
                  f"{row['p95_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['share_of_bare_rps']:>8.0%}")
        targets = result["targets"]
        print(f"{result['backend']}: POST /v1/grade at {targets['grade_share_of_bare']['measured']:.0%} of bare "
              f"(target >= 50%: {'met' if targets['grade_share_of_bare']['met'] else 'NOT met'}); history p99 "
              f"{targets['history_p99_ms']['measured']:.1f} ms at {result['stored_submissions']:,} rows "
              f"(target < 50 ms: {'met' if targets['history_p99_ms']['met'] else 'NOT met'})")


if __name__ == "__main__":
    main()
