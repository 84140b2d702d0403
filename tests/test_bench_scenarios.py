"""The benchmark's scenarios beyond the room page's chat, tiny, in CI (bench/README.md).

Through the load generator's command line against a real daphne (in-memory layer): the old
page's login storm and its chat (every login in, every line to every member once), and
guests through the real /join/ form, then over the socket. The reconnect storm needs two
processes and a Redis: tests/cluster/test_bench_storm.py.
"""

import json
import subprocess
import sys

import pytest

from tests.servers import PROJECT_ROOT, LiveServer

ROOMY = {  # one machine plays every user: neither its address nor its pace may limit it
    "CHAT_RATE_LIMIT_MESSAGES": "1000000",
    "CHAT_GUESTS_PER_ADDRESS_PER_HOUR": "1000000",
    "CHAT_MAX_SOCKETS_PER_ADDRESS": "1000000",
}


def loadgen(*arguments: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.loadgen", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def app():
    with LiveServer(env=ROOMY) as server:
        yield server


def against(app: LiveServer, kind: str, *scenario: str) -> dict:
    return loadgen(
        "--kind",
        kind,
        "--url",
        app.url.replace("http", "ws", 1),
        "--pids",
        str(app.process.pid),
        "--label",
        "daphne",
        *scenario,
    )


def test_old_pages_all_log_in_at_once(app):
    result = against(app, "legacy-login", "--users", "20")

    assert result["connect_failed"] == 0
    assert result["logged_in"] == 20
    assert result["login_failed"] == 0
    assert result["refusals"] == {}
    assert result["user_lists_complete"] == 20  # everyone sees everyone in the end
    assert 0 < result["login_s"] < 10
    assert result["disconnects"] == 0


def test_old_pages_get_every_line_once(app):
    result = against(
        app,
        "legacy-chat",
        *("--users", "20", "--senders", "2", "--rate", "5", "--duration", "2"),
    )

    assert result["logged_in"] == 20
    assert result["sent"] == 20
    assert result["expected"] == 20 * 20  # no ack in the old protocol: sent × members
    assert result["lost"] == 0
    assert result["duplicates"] == 0
    assert result["notices"] == {}
    assert result["latency_ms"]["p99"] > 0


def test_guests_join_through_the_form_then_connect(app):
    result = against(app, "join", "--users", "30", "--http", app.url, "--join-concurrency", "4")

    assert result["join_failures"] == {}
    assert result["logged_in"] == 30
    assert result["login_failed"] == 0
    assert result["connected"] == 30
    assert result["login_s"] > 0
    assert result["connect_s"] > 0
