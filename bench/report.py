"""Reporting: percentiles of the timings, and the Markdown table of results."""


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


COLUMNS = [
    ("scenario", "scenario"),
    ("target", "target"),
    ("del/s", "deliveries_per_s"),
    ("p50 ms", "p50"),
    ("p99 ms", "p99"),
    ("max ms", "max"),
    ("lost", "lost"),
    ("dup", "duplicates"),
    # "notification gap" warnings in the workers' logs: numbers read back from the database
    ("gaps", "gaps"),
    ("connect s", "connect_s"),
    ("settle s", "settle_s"),
    ("CPU s/1k del", "cpu_s_per_1k"),
    ("× baseline", "ratio"),
    ("RSS KiB/conn", "rss_per_conn_kib"),
]


def table(results: list[dict]) -> str:
    lines = ["| " + " | ".join(title for title, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for result in results:
        flat = {**result, **(result.get("latency_ms") or {})}
        cells = []
        for _, key in COLUMNS:
            value = flat.get(key)
            cells.append(
                "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
