"""A crowd joining through /join/ holds a bounded number of PostgreSQL connections.

Under an ASGI server each HTTP request runs in a thread of its own; a connection kept open
past the request (CONN_MAX_AGE) outlived its thread, and a thousand guests joining at once ran
the database out of connections, a 500 for one join in three (docs/performance.md, round 2).
With psycopg's pool (DATABASE_POOL, the default on PostgreSQL) they go back to the pool.
"""

import asyncio

import psycopg
import pytest

from tests.chat_guests import guest_join
from tests.servers import LiveServer

JOINS = 60
AT_ONCE = 8
POOL_MAX_SIZE = 4


def connections_to(database_url: str) -> int:
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url) as admin:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        )
        return admin.execute(query, [name]).fetchone()[0]


async def join_all(url: str) -> list:
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(index: int):
        async with gate:
            return await guest_join(url, f"crowd{index}")

    return await asyncio.gather(*(one(index) for index in range(JOINS)))


def test_a_crowd_joining_holds_no_more_connections_than_the_pool(shared_database):
    if not shared_database.url.startswith("postgres"):
        pytest.skip("the pool is PostgreSQL's (CI runs this on PostgreSQL)")
    # As in production (the suite itself closes connections after each use).
    env = {
        "DATABASE_URL": shared_database.url,
        "CONN_MAX_AGE": "60",
        "DATABASE_POOL_MAX_SIZE": str(POOL_MAX_SIZE),
        "CHAT_GUESTS_PER_ADDRESS_PER_HOUR": "1000",
    }
    with LiveServer(env=env) as server:
        guests = asyncio.run(join_all(server.url))
        held = connections_to(shared_database.url)

    assert len({guest.sessionid for guest in guests}) == JOINS, "every guest joined"
    assert held <= POOL_MAX_SIZE, f"{held} connections open after {JOINS} joins"
