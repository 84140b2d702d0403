"""Reporting: percentiles of the timings, the Markdown table of runs, and the summary of
repeated runs per (scenario, setup)."""

import statistics


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


COLUMNS = [
    ("scenario", "scenario"),
    ("target", "target"),
    ("run", "run"),
    ("del/s", "deliveries_per_s"),
    ("p50 ms", "p50"),
    ("p99 ms", "p99"),
    ("max ms", "max"),
    ("ack p99 ms", "ack_p99"),
    ("lost", "lost"),
    ("dup", "duplicates"),
    # "notification gap" warnings in the workers' logs: numbers read back from the database
    ("gaps", "gaps"),
    ("login s", "login_s"),
    ("failed", "login_failed"),
    ("connect s", "connect_s"),
    ("resync s", "resync_s"),
    ("settle s", "settle_s"),
    ("CPU s/1k del", "cpu_s_per_1k"),
    ("× baseline", "ratio"),
    ("RSS KiB/conn", "rss_per_conn_kib"),
    ("load@start", "load_start"),
    ("gen CPU s", "generator_cpu_s"),
    ("window s", "window_s"),
    ("bottleneck", "bottleneck"),
]

SUMMARY_COLUMNS = [
    ("scenario", "scenario"),
    ("target", "target"),
    ("runs", "runs"),
    ("p99 ms median", "p99_median"),
    ("p99 ms worst", "p99_worst"),
    ("ack p99 ms median", "ack_p99_median"),
    ("login s median", "login_s_median"),
    ("resync s median", "resync_s_median"),
    ("lost (all runs)", "lost"),
    ("dup (all runs)", "duplicates"),
    ("failed (all runs)", "login_failed"),
    ("CPU s/1k median", "cpu_s_per_1k_median"),
    ("× baseline median", "ratio_median"),
    ("bottlenecked runs", "bottlenecked"),
]


def _cell(value) -> str:
    if value is None or value == "":
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _markdown(columns: list[tuple[str, str]], rows: list[dict]) -> str:
    lines = ["| " + " | ".join(title for title, _ in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(key)) for _, key in columns) + " |")
    return "\n".join(lines)


def flat(result: dict) -> dict:
    """A result with its delivery and ack percentiles at the top (``p99``, ``ack_p99``)."""
    acks = {f"ack_{key}": value for key, value in (result.get("ack_ms") or {}).items()}
    return {**result, **(result.get("latency_ms") or {}), **acks}


def table(results: list[dict]) -> str:
    return _markdown(COLUMNS, [flat(result) for result in results])


def _median(values: list) -> float | None:
    values = [value for value in values if value is not None]
    return round(statistics.median(values), 4) if values else None


def _total(values: list) -> int | None:
    values = [value for value in values if value is not None]
    return sum(values) if values else None


def summary_rows(results: list[dict]) -> list[dict]:
    """One row per (scenario, target) over its repeated runs: medians and the worst p99,
    losses summed, and how many runs the generator or the machine may have limited."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for result in results:
        groups.setdefault((result["scenario"], result["target"]), []).append(flat(result))
    baselines = {
        scenario: _median([r.get("cpu_s_per_1k") for r in runs])
        for (scenario, target), runs in groups.items()
        if target == "baseline"
    }
    rows = []
    for (scenario, target), runs in groups.items():
        p99s = [r.get("p99") for r in runs if r.get("p99") is not None]
        cpu = _median([r.get("cpu_s_per_1k") for r in runs])
        reference = baselines.get(scenario)
        rows.append(
            {
                "scenario": scenario,
                "target": target,
                "runs": len(runs),
                "p99_median": _median(p99s),
                "p99_worst": max(p99s) if p99s else None,
                "ack_p99_median": _median([r.get("ack_p99") for r in runs]),
                "login_s_median": _median([r.get("login_s") for r in runs]),
                "resync_s_median": _median([r.get("resync_s") for r in runs]),
                "lost": _total([r.get("lost") for r in runs]),
                "duplicates": _total([r.get("duplicates") for r in runs]),
                "login_failed": _total([r.get("login_failed") for r in runs]),
                "cpu_s_per_1k_median": cpu,
                "ratio_median": round(cpu / reference, 1) if cpu and reference else None,
                "bottlenecked": sum(bool(r.get("bottleneck")) for r in runs),
            }
        )
    return rows


def summary(results: list[dict]) -> str:
    return _markdown(SUMMARY_COLUMNS, summary_rows(results))
