"""What every kind of run reads the same way: CPU and memory of processes, the generator's
own CPU, percentiles of timings, waiting for a room to go quiet, and whether the run's
numbers say more about the machine than about the server."""

import asyncio
import os
import resource
import statistics
import time

from bench.report import percentile
from bench.servers import cpu_seconds, rss_kib

SETTLE_QUIET_SECONDS = 1.0
# A generator that used this share of one core over its window was (near) the limit.
GENERATOR_BOUND = 0.9


def cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def rss(pids: list[int]) -> int:
    return sum(rss_kib(pid) for pid in pids)


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timings_ms(seconds: list[float] | object, *, digits: int = 2) -> dict:
    """p50, p90, p99, max and mean of timings given in seconds, in milliseconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {"p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    return {
        "p50": round(percentile(ordered, 0.5) * 1000, digits),
        "p90": round(percentile(ordered, 0.9) * 1000, digits),
        "p99": round(percentile(ordered, 0.99) * 1000, digits),
        "max": round(ordered[-1] * 1000, digits),
        "mean": round(statistics.fmean(ordered) * 1000, digits),
    }


async def quiet(last_frame, limit: float) -> tuple[float, bool]:
    """Wait until no frame arrived for a while (``last_frame()``: monotonic time of the
    latest); (seconds it took, whether it got quiet within ``limit``)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        await asyncio.sleep(0.1)
        if time.monotonic() - last_frame() >= SETTLE_QUIET_SECONDS:
            return max(0.0, time.monotonic() - started - SETTLE_QUIET_SECONDS), True
    return time.monotonic() - started, False


def bottleneck(result: dict, *, nproc: int | None = None) -> str:
    """ "generator" when the load generator used ≥ 90 % of a core over its window (its own
    speed, not the server's, set the pace), "machine" when the 1-minute load at the start
    was at least the number of cores (someone else's work shared them); "" when neither."""
    nproc = nproc or os.cpu_count() or 1
    flags = []
    own, window = result.get("generator_cpu_s"), result.get("window_s")
    if own is not None and window and own >= GENERATOR_BOUND * window:
        flags.append("generator")
    if (result.get("load_start") or 0) >= nproc:
        flags.append("machine")
    return "+".join(flags)
