"""The benchmark's reconnect storm, tiny, in CI (bench/storm.py): two daphne processes on
one Redis, 10 users chatting, every socket on the first process reset at once and resumed
with ``after_id``: all back in sync, nothing lost, nothing twice."""

import pytest

from tests.test_bench_scenarios import ROOMY, loadgen

pytestmark = pytest.mark.cluster


def test_every_dropped_socket_resumes_without_a_gap(cluster):
    first, second = cluster(2, **ROOMY)

    result = loadgen(
        *("--kind", "storm", "--login", "http", "--label", "daphne ×2"),
        *(
            "--url",
            first.url.replace("http", "ws", 1),
            "--url",
            second.url.replace("http", "ws", 1),
        ),
        *("--pids", str(first.process.pid), str(second.process.pid)),
        *("--users", "10", "--senders", "2", "--rate", "5", "--duration", "3"),
    )

    assert result["dropped"] == 5  # users 0, 2, 4, 6, 8; the senders are on the second
    assert result["sent"] == result["acked"] == 30
    assert result["expected"] == 30 * 10
    assert result["lost"] == 0
    assert result["duplicates"] == 0
    assert result["incomplete_resyncs"] == 0
    assert result["errors"] == {}
    assert result["disconnects"] == 0  # none but the storm's own
    assert result["backfilled"] > 0  # what was said while they were away came by after_id
    assert 0 < result["resync_s"] < 10
