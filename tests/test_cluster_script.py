"""scripts/cluster: three uvicorn workers on one database and one Redis act as one site.

The script runs as an operator runs it; plain WebSocket clients log in as guests over HTTP
and connect to different workers, as nginx would spread them.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.deploy.deployment_files import plain, redis_process, scratch_postgres
from tests.web_clients import frame_of, frames_until, guest_login, room_socket, send_message

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
START_TIMEOUT_SECONDS = 90.0


@contextlib.contextmanager
def shared_database(tmp_path: Path) -> Iterator[str]:
    """A scratch PostgreSQL database (CI), or one SQLite file for every worker."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres") or IN_CI:
        with scratch_postgres() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'cluster.sqlite3'}"


class Cluster:
    """scripts/cluster as a process of its own (and its own process group)."""

    def __init__(self, env: dict[str, str], output: Path) -> None:
        self.output = output
        with open(output, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "scripts/cluster", "--workers", str(WORKERS), "--base-port", "0"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # so a failed test can still end every worker
            )
        self.urls = self._wait_ready()

    def _wait_ready(self) -> list[str]:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            lines = self.output.read_text(errors="replace").splitlines()
            if "ready" in lines:
                urls = [line for line in lines if line.startswith("http://")]
                assert len(urls) == WORKERS, lines
                return urls
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"scripts/cluster did not get ready:\n{self.log()}")

    def log(self) -> str:
        return self.output.read_text(errors="replace")[-20000:]

    def stop(self) -> int:
        """SIGTERM, as a service manager sends it; the script's exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def cluster(tmp_path):
    with shared_database(tmp_path) as database_url, redis_process(plain()) as redis_port:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
        }
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            CHAT_RATE_LIMIT_MESSAGES="1000",
        )
        running = Cluster(env, tmp_path / "cluster.log")
        try:
            yield running
        finally:
            running.kill()
            print(running.log())  # shown when the test failed


def refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


async def test_three_workers_share_messages_presence_and_backfill(cluster):
    one, two, three = cluster.urls
    # Each guest logs in through a worker of its own; the session is in the shared database.
    alice, bob, carol = guest_login(one), guest_login(two), guest_login(three)

    alice_1 = await room_socket(alice, base_url=one)
    assert (await frame_of(alice_1, "welcome"))["count"] == 1
    bob_2 = await room_socket(bob, base_url=two)
    welcome = await frame_of(bob_2, "welcome")
    assert welcome["count"] == 2  # alice, on worker 1, is online here too
    carol_3 = await room_socket(carol, base_url=three)
    assert (await frame_of(carol_3, "welcome"))["count"] == 3
    await frame_of(alice_1, "presence.joined", count=3)

    # A second tab of alice's, on worker 3: still three people online, alice once.
    alice_3 = await room_socket(alice, base_url=three)
    welcome = await frame_of(alice_3, "welcome")
    names = [entry["user"]["name"] for entry in welcome["online"]]
    assert welcome["count"] == 3 and sorted(names) == sorted([alice.name, bob.name, carol.name])
    await alice_3.close()

    # A message sent on worker 1 reaches workers 2 and 3 with the same id.
    ack = await send_message(alice_1, "hello from worker 1")
    assert ack["type"] == "ack"
    for socket_ in (bob_2, carol_3):
        received = await frame_of(socket_, "message")
        assert received["message"]["id"] == ack["id"]
        assert received["message"]["body"] == "hello from worker 1"

    # Alice's closed second tab did not take her offline: a newcomer makes four, not three.
    dave = guest_login(one)
    dave_1 = await room_socket(dave, base_url=one)
    assert (await frame_of(dave_1, "welcome"))["count"] == 4
    await frame_of(bob_2, "presence.joined", count=4)

    # Carol drops off worker 3 and misses three messages sent on workers 1 and 2 ...
    await carol_3.close()
    await frame_of(bob_2, "presence.left", count=3)
    missed = [
        (await send_message(alice_1, "missed 1"))["id"],
        (await send_message(bob_2, "missed 2"))["id"],
        (await send_message(alice_1, "missed 3"))["id"],
    ]
    # ... and reconnects to worker 2 with the last id she holds: she gets exactly those, in
    # order, before "synced".
    carol_2 = await room_socket(carol, base_url=two, after_id=ack["id"])
    frames = await frames_until(carol_2, "synced")
    replayed = [frame["message"]["id"] for frame in frames if frame["type"] == "message"]
    assert replayed == missed
    assert frames[-1]["complete"] is True

    # Live again: a message on worker 3 reaches her on worker 2.
    eve = guest_login(three)
    eve_3 = await room_socket(eve, base_url=three)
    await frame_of(eve_3, "synced")
    live = await send_message(eve_3, "live from worker 3")
    assert (await frame_of(carol_2, "message"))["message"]["id"] == live["id"]

    await asyncio.gather(*(s.close() for s in (alice_1, bob_2, dave_1, carol_2, eve_3)))


def test_sigterm_stops_every_worker(cluster):
    assert all(not refused(url) for url in cluster.urls)
    assert cluster.stop() == 0, cluster.log()
    assert all(refused(url) for url in cluster.urls), cluster.log()


def test_the_script_refuses_to_start_without_a_shared_database_and_redis():
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL"}}
    env["DATABASE_URL"] = "sqlite:///unused.sqlite3"
    result = subprocess.run(
        [sys.executable, "scripts/cluster", "--workers", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "set REDIS_URL" in result.stderr
