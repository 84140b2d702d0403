"""Several daphne processes behind one Redis and one database, as in production.

Each test gets a redis-server of its own (never the machine's 6379), which it may stop
and start again on the same port, and a fresh database shared by its processes: a new
PostgreSQL database when DATABASE_URL names PostgreSQL (as in CI), else a SQLite file.
"""

import asyncio
import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from devtools.loopback import free_port, process_stop, redis_arguments
from tests.chat_client import ChatClient
from tests.chat_guests import Guest, guest_join
from tests.chat_signal import Signal
from tests.conftest import missing
from tests.servers import LiveServer

HEARTBEAT_SECONDS = 0.5
TTL_SECONDS = 2.0
START_TIMEOUT_SECONDS = 10.0
LOG_TAIL_LINES = 200

_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report, so fixtures can show the servers' logs on failure."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


def _failed(request) -> bool:
    return any(report.failed for report in request.node.stash.get(_reports, {}).values())


class RedisServer:
    """A redis-server of the test's own, without persistence: a restart forgets everything."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = tempfile.mkdtemp(prefix="chat-cluster-redis-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, *redis_arguments(self.port, self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """SIGTERM, and wait until the process is gone (its port is closed)."""
        process, self.process = self.process, None
        process_stop(process)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def redis_server():
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server (the cluster tests start their own)")
    server = RedisServer(binary)
    try:
        server.start()
    except RuntimeError as error:
        server.close()
        missing(str(error))
    yield server
    server.close()


class SharedDatabase:
    """The database every process of a test uses, and a way to read its messages directly."""

    def __init__(self, url: str) -> None:
        self.url = url

    def messages(self) -> list[tuple[int, str]]:
        """(id, body) of every saved message, by id."""
        query = "SELECT id, body FROM chat_message ORDER BY id"
        if self.url.startswith("sqlite"):
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path, timeout=10)) as connection:
                return connection.execute(query).fetchall()
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(query).fetchall()


def _postgres_database(server_url: str):
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    name = f"chat_cluster_{secrets.token_hex(4)}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        missing(f"PostgreSQL at {parts.hostname}:{parts.port} ({error})")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield SharedDatabase(urllib.parse.urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_database(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        yield from _postgres_database(url)
    else:
        yield SharedDatabase(f"sqlite:///{tmp_path / 'cluster.sqlite3'}")


@pytest.fixture
def cluster(request, redis_server, shared_database):
    """``servers = cluster(2)``: daphne processes sharing the test's Redis and database.

    Heartbeats every 0.5 s and a presence TTL of 2 s, so that a dead process's users
    are gone within seconds; a rate limit no test reaches.
    """
    started: list[LiveServer] = []
    env = {
        "REDIS_URL": redis_server.url,
        "DATABASE_URL": shared_database.url,
        "CHAT_PRESENCE_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "CHAT_PRESENCE_TTL_SECONDS": str(TTL_SECONDS),
        "CHAT_RATE_LIMIT_MESSAGES": "1000",
    }

    def start(count: int, **settings: str) -> list[LiveServer]:
        servers = [LiveServer(env={**env, **settings}) for _ in range(count)]
        started.extend(servers)
        servers[0].migrate()
        for server in servers[1:]:
            server._migrated = True  # one database: migrating it once is enough
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(LiveServer.start, servers))
        return servers

    yield start
    if _failed(request):
        for number, server in enumerate(started, start=1):
            tail = "\n".join(server.log().splitlines()[-LOG_TAIL_LINES:])
            print(f"\n----- daphne {number} (port {server.port}), last lines -----\n{tail}")
    for server in started:
        server.close()


class People:
    """Makes room-page clients that share one Signal, and closes them all at the end."""

    def __init__(self) -> None:
        self.signal = Signal()
        self.clients: list[ChatClient] = []

    @staticmethod
    async def guest(server: LiveServer, name: str) -> Guest:
        """A new guest called ``name`` and a few random characters (names are unique)."""
        return await guest_join(server.url, f"{name}{secrets.token_hex(3)}")

    async def join(self, server: LiveServer, name: str) -> ChatClient:
        """A new guest with one tab open on ``server``."""
        return self.tab(await self.guest(server, name), server, label=name)

    def tab(self, guest: Guest, server: LiveServer, label: str | None = None) -> ChatClient:
        """Another tab of ``guest``, on ``server``."""
        client = ChatClient(guest, server.url, signal=self.signal, label=label)
        self.clients.append(client)
        return client.start()

    async def wait(self, predicate, *, timeout: float, what: str) -> float:
        """Wait until ``predicate()`` holds (re-checked whenever any client changes)."""
        return await self.signal.wait_for(
            predicate,
            timeout=timeout,
            what=lambda: f"{what}; " + "; ".join(c.describe() for c in self.clients),
        )

    async def close(self) -> None:
        await asyncio.gather(*(client.close() for client in self.clients))


@pytest.fixture
async def people():
    crowd = People()
    yield crowd
    await crowd.close()
