"""LLM grader throughput against the scripted OpenAI-compatible server (tests/llm/fake_openai.py)
answering every request after an artificial 1 s latency.

    python benchmarks/bench_llm.py [--answers 128] [--latency 1.0] [--concurrency 8 32] [--cache memory|redis]

For each configured parallelism (settings.llm_concurrency) it grades `--answers` distinct answers
with `agrade_many` and reports wall time, grades/sec and the most requests the server saw in flight
at once: with bounded concurrency that peak equals the setting and throughput is about
concurrency / latency. Then the same answers are graded again with the same cache: the repeat run
must reach the server 0 times. With `--cache redis` the repeat run uses a *new* cache object on the
same Redis prefix, i.e. what a second server process would see. Writes benchmarks/results/llm.json.
"""

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT / "tests"))  # the scripted server lives with the LLM tests

import llm.fake_openai as fake_openai  # noqa: E402
from llm.fake_openai import FakeOpenAI, grade_reply, verdict_json  # noqa: E402
from llm.scenario import ANSWER, MODEL, good_stages  # noqa: E402
from machine import result_header, write_result  # noqa: E402

from hedgehog.config import Settings  # noqa: E402
from hedgehog.grading.grade import prepare_request  # noqa: E402
from hedgehog.llm.cache import MemoryCache  # noqa: E402
from hedgehog.llm.grader import agrade_many  # noqa: E402
from hedgehog.llm.pricing import estimate_cost  # noqa: E402

RESULTS = BENCH_DIR / "results" / "llm.json"
REDIS_URL = "redis://127.0.0.1:6379/11"


def make_cache(kind: str, prefix: str):
    if kind == "redis":
        from hedgehog.llm.redis_cache import RedisCache

        return RedisCache(REDIS_URL, prefix=prefix, ttl_seconds=3600)
    return MemoryCache(max_entries=100_000)


def drop_redis_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


async def timed_run(requests, settings, cache, server: FakeOpenAI) -> dict:
    before = server.request_count
    server.max_in_flight = 0
    start = time.perf_counter()
    documents = await agrade_many(requests, settings, cache=cache)
    seconds = time.perf_counter() - start
    fallbacks = sum("llm_fallback" in d.flags for d in documents)
    cache_hits = sum(bool((d.details.get("cache") or {}).get("hit")) for d in documents)
    return {
        "answers": len(requests),
        "seconds": round(seconds, 3),
        "grades_per_sec": round(len(requests) / seconds, 2),
        "requests_at_server": server.request_count - before,
        "max_in_flight_at_server": server.max_in_flight,
        "fallbacks": fallbacks,
        "cache_hits": cache_hits,
        "prompt_tokens": sum(d.usage.prompt_tokens for d in documents if d.usage),
        "completion_tokens": sum(d.usage.completion_tokens for d in documents if d.usage),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=128, help="distinct answers per run (default 128)")
    parser.add_argument("--latency", type=float, default=1.0, help="seconds the server waits per request (default 1)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32], help="llm_concurrency values (default 8 32)")
    parser.add_argument("--cache", choices=["memory", "redis"], default="memory")
    args = parser.parse_args()

    # Distinct answers (so nothing is a cache hit on the first run) that still contain every quote.
    requests = [prepare_request(f"{ANSWER}\n\n(Candidate {i}.)", question_id="Q473") for i in range(args.answers)]
    rows = []
    # socketserver's default listen backlog is 5: a burst of 32 simultaneous connects then sees
    # resets. A real provider accepts bursts, so the scripted one must too for a fair measurement.
    fake_openai._Server.request_queue_size = 256
    with FakeOpenAI() as server:
        server.default = grade_reply(good_stages(), delay=args.latency, prompt_tokens=1500, completion_tokens=350)
        for concurrency in args.concurrency:
            settings = Settings(
                _env_file=None, openai_base_url=server.base_url, openai_api_key="bench", hedgehog_model=MODEL,
                llm_concurrency=concurrency, llm_timeout_seconds=30, llm_max_retries=0, llm_cache="off",
                database_url="sqlite://",
            )
            prefix = f"hedgehog-bench:llm:{uuid.uuid4().hex}"
            try:
                cache = make_cache(args.cache, prefix)
                first = asyncio.run(timed_run(requests, settings, cache, server))
                # Redis: a new cache object on the same prefix, as a second server process would have.
                repeat_cache = make_cache(args.cache, prefix) if args.cache == "redis" else cache
                repeat = asyncio.run(timed_run(requests, settings, repeat_cache, server))
            finally:
                if args.cache == "redis":
                    drop_redis_prefix(prefix)
            ideal = concurrency / args.latency
            rows.append({"concurrency": concurrency, "ideal_grades_per_sec": round(ideal, 2), "first_run": first,
                         "repeat_run": repeat})
            print(
                f"concurrency {concurrency:>3}: {first['answers']} answers in {first['seconds']:.2f}s = "
                f"{first['grades_per_sec']:.1f} grades/s (ideal {ideal:.0f}/s), max in flight at the server "
                f"{first['max_in_flight_at_server']}, fallbacks {first['fallbacks']} | repeat: "
                f"{repeat['requests_at_server']} requests, {repeat['cache_hits']} cache hits, {repeat['seconds']:.3f}s",
                flush=True,
            )

        sample = server.requests[-1]
        prompt_chars = len(json.dumps(sample.body.get("messages", []), ensure_ascii=False))
    # ~4 characters per token for English text: a planning estimate, not a tokenizer count.
    prompt_tokens = round(prompt_chars / 4)
    completion_tokens = round(len(verdict_json(good_stages())) / 4)
    cost = estimate_cost(MODEL, prompt_tokens, 0, completion_tokens)
    per_grade = {
        "model": MODEL,
        "prompt_chars": prompt_chars,
        "prompt_tokens_estimate": prompt_tokens,
        "completion_tokens_estimate": completion_tokens,
        "estimated_cost_usd": cost,
        "note": "tokens ~ chars/4 of the real rendered prompt for a ~70-word answer; a 300-word answer adds ~300 tokens",
    }
    print(f"per grade (estimate): ~{prompt_tokens} prompt + ~{completion_tokens} completion tokens, "
          f"~${cost or 0:.5f} on {MODEL}")

    result = {
        **result_header("llm grader throughput", "python benchmarks/bench_llm.py"),
        "server_latency_seconds": args.latency,
        "cache": args.cache,
        "runs": rows,
        "per_grade_estimate": per_grade,
    }
    write_result(RESULTS, result)


if __name__ == "__main__":
    main()
