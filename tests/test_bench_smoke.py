"""A short run of the benchmark (bench/) in CI: the app and the baseline lose nothing.

20 users in one room, 2 senders at 5 messages/s for 3 s, through the real load
generator's command line: guests log in over HTTP, connect over WebSocket, and every
message must reach every member exactly once.
"""

import json
import subprocess
import sys

import pytest

from bench.loadgen import RESULT_FIELDS
from bench.servers import Baseline, workdir
from tests.servers import PROJECT_ROOT, LiveServer

SCENARIO = ["--users", "20", "--rooms", "1", "--senders", "2", "--rate", "5", "--duration", "3"]


def loadgen(*arguments: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", *SCENARIO, *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def check(result: dict) -> None:
    assert set(RESULT_FIELDS) <= result.keys()
    assert result["sent"] == 30
    assert result["acked"] == 30
    assert result["expected"] == 30 * 20
    assert result["lost"] == 0
    assert result["duplicates"] == 0
    assert result["disconnects"] == 0
    assert result["errors"] == {}
    assert result["latency_ms"]["p99"] > 0
    assert result["cpu_s_per_1k"] > 0


@pytest.fixture(scope="module")
def app():
    with LiveServer(env={"CHAT_RATE_LIMIT_MESSAGES": "1000000"}) as server:
        yield server


def test_app_delivers_every_message_once(app):
    result = loadgen(
        "--url",
        app.url.replace("http", "ws", 1),
        "--http",
        app.url,
        "--login",
        "http",
        "--pids",
        str(app.process.pid),
        "--label",
        "daphne",
    )
    check(result)
    assert result["login"] == "http"


def test_baseline_delivers_every_message_once():
    baseline = Baseline(workdir()).start()
    try:
        result = loadgen(
            "--url",
            baseline.ws_urls[0],
            "--login",
            "none",
            "--pids",
            str(baseline.process.pid),
            "--label",
            "baseline",
        )
    finally:
        baseline.stop()
    check(result)
