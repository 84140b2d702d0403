"""A crowd of the old page's users logging in at once, on two processes sharing one Redis:
every login succeeds, and everyone ends up seeing everyone."""

import asyncio
import json
import os
import time

import pytest
import websockets

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

# 100 in CI; `CHAT_TEST_CROWD=1000 pytest tests/cluster/test_legacy_crowd.py` for the big one.
CROWD = int(os.environ.get("CHAT_TEST_CROWD", "100"))
ROOMY = {  # one machine plays the whole crowd: its address must not be what limits it
    "CHAT_GUESTS_PER_ADDRESS_PER_HOUR": "100000",
    "CHAT_MAX_SOCKETS_PER_ADDRESS": "100000",
    # Production's presence timing: nobody here dies, and a crowd may keep a process busy
    # for longer than the cluster tests' 2 s TTL.
    "CHAT_PRESENCE_HEARTBEAT_SECONDS": "20",
    "CHAT_PRESENCE_TTL_SECONDS": "60",
}


class OldPage:
    """One old page: log in, read until its user_list names the whole crowd, then stay until
    ``leave`` is set (a page that left early would be a logout in everyone else's list)."""

    def __init__(self, server, name: str, leave: asyncio.Event) -> None:
        self.server, self.name, self.leave = server, name, leave
        self.done = asyncio.Event()
        self.logged_in_at: float | None = None
        self.seen: set[str] = set()
        self.refusals: list[str] = []

    def __repr__(self) -> str:
        state = "in" if self.logged_in_at else "not in"
        return f"{self.name} ({state}, sees {len(self.seen)}, refused {self.refusals})"

    async def run(self) -> None:
        async with websockets.connect(
            f"ws://127.0.0.1:{self.server.port}/",
            origin=self.server.url,
            open_timeout=60,
            max_queue=None,
        ) as socket:
            assert json.loads(await socket.recv())["type"] == "handShake"
            login = {"type": "login", "msg": self.name, "headerimg": "img/a2.jpg"}
            await socket.send(json.dumps(login))
            while not (self.logged_in_at and len(self.seen) == CROWD):
                frame = json.loads(await socket.recv())
                if frame["type"] == "system":
                    self.refusals.append(frame["msg"])
                    return
                if frame["type"] == "login":
                    self.seen = {entry["username"] for entry in frame["user_list"]}
                    if frame["msg"] == self.name:
                        self.logged_in_at = time.monotonic()
            self.done.set()
            await self.leave.wait()


@pytest.mark.parametrize("processes", [1, 2])
async def test_a_crowd_of_old_pages_logging_in_at_once_all_get_in(cluster, processes):
    servers = cluster(processes, **ROOMY)
    leave = asyncio.Event()
    pages = [OldPage(servers[n % processes], f"crowd{n:03d}", leave) for n in range(CROWD)]
    started = time.monotonic()
    running = [asyncio.ensure_future(page.run()) for page in pages]
    everyone_done = asyncio.ensure_future(asyncio.gather(*(page.done.wait() for page in pages)))

    # Until every page has seen the whole crowd, a page has ended (it failed), or 90 s.
    await asyncio.wait([everyone_done, *running], timeout=90, return_when=asyncio.FIRST_COMPLETED)
    all_seen = time.monotonic()
    leave.set()
    everyone_done.cancel()
    finished, pending = await asyncio.wait(running, timeout=10)
    for task in pending:
        task.cancel()
    for task in finished:
        task.result()  # a failure in any page fails the test with its own error

    behind = [page for page in pages if not (page.logged_in_at and len(page.seen) == CROWD)]
    assert not behind, f"{len(behind)} of {CROWD} not done: {behind[:10]}"
    last_in = max(page.logged_in_at for page in pages)
    print(
        f"\n{CROWD} old-page logins at once on {processes} process(es): all in after "
        f"{last_in - started:.1f} s, all seeing all after {all_seen - started:.1f} s"
    )
