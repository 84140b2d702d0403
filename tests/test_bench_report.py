"""The benchmark's summary of repeated runs, and the flag on runs whose numbers say more
about the machine or the load generator than about the server (bench/report.py,
bench/measure.py)."""

from bench.matrix import with_ratios
from bench.measure import bottleneck
from bench.report import summary, summary_rows


def run(target: str, p99: float, cpu: float, **extra) -> dict:
    return {
        "scenario": "chat-100",
        "target": target,
        "server": target,
        "latency_ms": {"p99": p99},
        "cpu_s_per_1k": cpu,
        "lost": 0,
        "duplicates": 0,
        **extra,
    }


def test_a_busy_generator_or_machine_is_flagged():
    assert bottleneck({"generator_cpu_s": 9.5, "window_s": 10, "load_start": 0.5}, nproc=2) == (
        "generator"
    )
    assert bottleneck({"generator_cpu_s": 1.0, "window_s": 10, "load_start": 2.0}, nproc=2) == (
        "machine"
    )
    both = {"generator_cpu_s": 9.0, "window_s": 10, "load_start": 3.1}
    assert bottleneck(both, nproc=2) == "generator+machine"
    assert bottleneck({"generator_cpu_s": 2.0, "window_s": 10, "load_start": 1.9}, nproc=2) == ""


def test_repeated_runs_give_medians_the_worst_p99_and_a_ratio_to_the_baseline_median():
    results = [
        run("baseline", 5.0, 0.1),
        run("baseline", 6.0, 0.3),
        run("baseline", 9.0, 0.2),
        run("uvicorn ×2 pubsub", 20.0, 1.0, bottleneck="machine"),
        run("uvicorn ×2 pubsub", 40.0, 2.0, lost=3),
        run("uvicorn ×2 pubsub", 30.0, 1.4),
    ]

    with_ratios(results)
    baseline, app = summary_rows(results)

    assert (baseline["runs"], baseline["p99_median"], baseline["p99_worst"]) == (3, 6.0, 9.0)
    assert (app["p99_median"], app["p99_worst"], app["cpu_s_per_1k_median"]) == (30.0, 40.0, 1.4)
    assert app["ratio_median"] == 7.0  # 1.4 over the baseline's median 0.2
    assert results[4]["ratio"] == 10.0  # each run against the baseline's median too
    assert (app["lost"], app["bottlenecked"]) == (3, 1)
    assert "| chat-100 | uvicorn ×2 pubsub | 3 | 30 | 40 |" in summary(results)
