"""Read positions, unread counts and "is typing" across two server processes: one user's
tabs on different processes agree, and a typing notice is throttled wherever it comes from."""

import asyncio
import json

import pytest

from tests.web_clients import (
    frame_of,
    frames_until,
    guest_login,
    http_request,
    room_socket,
    send_message,
)

pytestmark = pytest.mark.cluster


async def test_read_positions_and_unread_counts_hold_across_processes(cluster):
    first, second = cluster(2)
    alice = guest_login(first.url)
    bob = guest_login(first.url)
    tab_1 = await room_socket(alice, base_url=first.url)
    tab_2 = await room_socket(alice, base_url=second.url)
    bob_socket = await room_socket(bob, base_url=second.url)
    for socket in (tab_1, tab_2, bob_socket):
        await frame_of(socket, "synced")
    seqs = [(await send_message(bob_socket, f"news {n}"))["seq"] for n in range(3)]

    await tab_1.send(json.dumps({"type": "read", "seq": seqs[0]}))

    told = await frame_of(tab_2, "read")  # the other process's tab
    assert (told["room"], told["seq"]) == ("lobby", seqs[0])
    status, _, text = http_request(alice, "GET", "/me/rooms/")  # asked of the first process
    assert status == 200
    lobby = next(room for room in json.loads(text)["rooms"] if room["slug"] == "lobby")
    assert lobby["unread"] == 2

    await tab_2.close()
    again = await room_socket(alice, base_url=second.url)
    welcome = await frame_of(again, "welcome")
    assert welcome["last_read_seq"] == seqs[0]
    for socket in (tab_1, again, bob_socket):
        await socket.close()


async def test_typing_crosses_processes_once_per_window_from_any_tab(cluster):
    first, second = cluster(2, CHAT_TYPING_EVERY_SECONDS="30")
    alice = guest_login(first.url)
    bob = guest_login(first.url)
    alice_socket = await room_socket(alice, base_url=first.url)
    bob_here = await room_socket(bob, base_url=second.url)
    bob_there = await room_socket(bob, base_url=first.url)
    for socket in (alice_socket, bob_here, bob_there):
        await frame_of(socket, "synced")

    await bob_here.send(json.dumps({"type": "typing"}))
    typing = await frame_of(alice_socket, "typing")
    # The page forgets it this long after (static/chat/typing.js): nothing stores it.
    assert (typing["user"]["name"], typing["expires_in"]) == (bob.name, 5)

    # Bob's other tab, on alice's process, within the window: not told again.
    await bob_there.send(json.dumps({"type": "typing"}))
    marker = await send_message(bob_there, "marker")
    seen = await frames_until(alice_socket, "message")
    assert seen[-1]["message"]["id"] == marker["id"]
    assert "typing" not in [frame["type"] for frame in seen]
    await asyncio.gather(*(s.close() for s in (alice_socket, bob_here, bob_there)))
