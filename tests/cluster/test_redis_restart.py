"""Redis restarted mid-conversation: no acked message is lost, no refused one is saved.

Three people on two processes talk before, during and after a restart of the Redis that
carries their messages, presence and rate limits. While it is down a message may be
acked, refused (an `error` frame) or stay pending until the page has reconnected; in
the end every message is acked or refused, and everyone holds every acked one, once.
"""

import asyncio
import time
from collections import Counter

import pytest

pytestmark = pytest.mark.cluster

BEFORE, DURING, AFTER = 10, 5, 10
SETTLE_TIMEOUT = 20
NOTICE_TIMEOUT = 15
FINAL_TIMEOUT = 60


async def _send_round(clients, phase: str, count: int) -> dict:
    """Each client sends ``count`` messages, interleaved; client -> its client_msg_ids."""
    sent = {client: [] for client in clients}
    for number in range(count):
        for client in clients:
            sent[client].append(await client.send(f"{client.guest.name} {phase} {number}"))
    return sent


@pytest.mark.parametrize("channel_layer", ["pubsub", "core"])
async def test_a_redis_restart_loses_no_acked_message_and_saves_no_refused_one(
    cluster, people, redis_server, shared_database, channel_layer
):
    first, second = cluster(2, CHANNEL_LAYER=channel_layer)
    clients = [
        await people.join(first, "xena"),
        await people.join(second, "yuri"),
        await people.join(first, "zoe"),
    ]
    names = {client.guest.name for client in clients}

    def acked_ids() -> set[int]:
        return {id_ for client in clients for id_ in client.acked.values()}

    def settled() -> bool:
        everything = acked_ids()
        return all(not c.pending and everything <= c.held.keys() for c in clients)

    def everyone_online() -> bool:
        return all(c.synced and c.count == 3 and c.online_names() == names for c in clients)

    await people.wait(everyone_online, timeout=SETTLE_TIMEOUT, what="all three online")
    before = await _send_round(clients, "before", BEFORE)
    await people.wait(settled, timeout=SETTLE_TIMEOUT, what="before: all acked and delivered")
    assert all(not client.refused for client in clients)

    sockets_at_stop = {client: client.current for client in clients}
    await asyncio.to_thread(redis_server.stop)
    stopped_at = time.monotonic()
    during = await _send_round(clients, "during", DURING)

    def noticed(client) -> bool:
        socket = sockets_at_stop[client]
        refused = any(cmid in client.refused for cmid in during[client])
        return socket is None or not socket.open or refused

    await people.wait(
        lambda: all(noticed(client) for client in clients),
        timeout=NOTICE_TIMEOUT,
        what="every page noticed that Redis is gone (socket closed or a send refused)",
    )
    noticed_after = time.monotonic() - stopped_at
    await asyncio.to_thread(redis_server.start)
    restarted_at = time.monotonic()
    await people.wait(
        everyone_online, timeout=SETTLE_TIMEOUT, what="all three back online after the restart"
    )
    back_after = time.monotonic() - restarted_at
    after = await _send_round(clients, "after", AFTER)
    last_sent_at = time.monotonic()

    try:
        await people.wait(
            settled,
            timeout=FINAL_TIMEOUT,
            what="every message acked or refused, every acked one held by everyone",
        )
    finally:
        everything = acked_ids()
        acked = sum(len(client.acked) for client in clients)
        delivered = sum(len(client.held) for client in clients)
        held_acked = sum(len(everything & client.held.keys()) for client in clients)
        duplicates = sum(
            len(conn.message_ids) - len(set(conn.message_ids))
            for client in clients
            for conn in client.connections
        )
        refusals = Counter(f["code"] for client in clients for f in client.refused.values())
        print(
            f"\nredis restart: sent {sum(len(c.sent) for c in clients)}, acked {acked}, "
            f"refused {sum(len(c.refused) for c in clients)} {dict(refusals)}, "
            f"pending {sum(len(c.pending) for c in clients)}, delivered {delivered}, "
            f"lost {len(everything) * len(clients) - held_acked}, duplicates {duplicates}; "
            f"noticed in {noticed_after:.2f} s, back online {back_after:.2f} s after restart, "
            f"settled {time.monotonic() - last_sent_at:.2f} s after the last send"
        )

    assert [client.contradictions for client in clients] == [[], [], []]
    assert [client.duplicates() for client in clients] == [{}, {}, {}]
    everything = acked_ids()
    assert acked == len(everything), "two messages were acked with the same id"
    for client in clients:
        assert client.held.keys() == everything, client.describe()
        for sender in clients:
            for client_msg_id, id_ in sender.acked.items():
                assert client.held[id_]["body"] == sender.sent[client_msg_id]
    # Messages sent while Redis was up are never refused.
    for client in clients:
        for client_msg_id in [*before[client], *after[client]]:
            assert client_msg_id in client.acked, (client.sent[client_msg_id], client.refused)

    rows = await asyncio.to_thread(shared_database.messages)
    assert {id_ for id_, _ in rows} == everything
    saved_bodies = {body for _, body in rows}
    refused_bodies = {c.sent[cmid] for c in clients for cmid in c.refused}
    assert not refused_bodies & saved_bodies, "a refused message was saved"
