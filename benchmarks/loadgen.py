"""A small closed-loop HTTP load generator (asyncio + httpx), loopback only.

`concurrency` virtual users each send their next request as soon as the previous one returns,
until `max_requests` have been sent or `max_seconds` have passed, whichever comes first.
"""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

RequestFn = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


def percentile(ordered: list[float], pct: float) -> float:
    """The nearest-rank percentile of already sorted values."""
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


@dataclass
class LoadResult:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: Counter
    errors: Counter

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, pct: float) -> float:
        return percentile(sorted(self.latencies_ms), pct) if self.latencies_ms else float("nan")

    def summary(self) -> dict:
        return {
            "name": self.name,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": dict(self.errors),
        }


def _check_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(f"the load generator only targets loopback, not {host!r}")


async def run_load(
    name: str,
    base_url: str,
    request: RequestFn,
    *,
    concurrency: int = 32,
    max_requests: int = 2_000,
    max_seconds: float = 10.0,
    warmup_requests: int = 50,
    expect_status: frozenset[int] = frozenset({200, 201}),
) -> LoadResult:
    """Drive `request(client, i)` with `concurrency` workers; latencies of expected statuses only."""
    _check_loopback(base_url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        for i in range(warmup_requests):  # open connections and warm caches outside the measurement
            await request(client, -1 - i)

        latencies: list[float] = []
        statuses: Counter = Counter()
        errors: Counter = Counter()
        counter = iter(range(max_requests))
        started = time.perf_counter()
        deadline = started + max_seconds

        async def worker() -> None:
            for i in counter:
                if time.perf_counter() >= deadline:
                    return
                t0 = time.perf_counter()
                try:
                    response = await request(client, i)
                except httpx.HTTPError as e:
                    errors[type(e).__name__] += 1
                    continue
                elapsed = (time.perf_counter() - t0) * 1000
                statuses[response.status_code] += 1
                if response.status_code in expect_status:
                    latencies.append(elapsed)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return LoadResult(name, sum(statuses.values()), seconds, latencies, statuses, errors)
