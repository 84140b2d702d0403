"""Edit, delete, reply and react over the room socket: every page in the room sees the
change at once, refusals name the message and leave the socket usable, and a page that was
away is told what changed. Each test runs on the in-memory layer and on a real Redis."""

import json

import pytest

from chat.models import Message, Reaction
from tests.legacy_sockets import logged_in, next_legacy
from tests.sockets import joined, next_frame, next_of_type, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


async def sent(socket, body, **fields):
    """What ``socket`` sent, as the room was told of it."""
    await socket.send_json_to({"type": "message.send", "body": body, **fields})
    while True:
        message = (await next_of_type(socket, "message"))["message"]
        if message["body"] == body:
            return message


async def error_of(socket):
    return await next_of_type(socket, "error")


async def still_open(socket):
    await socket.send_json_to({"type": "ping"})
    assert (await next_of_type(socket, "pong"))["type"] == "pong"


async def test_an_edit_reaches_every_page_in_place(alice, bob, lobby):
    alice_socket, welcome = await joined(alice)
    bob_socket, _ = await joined(bob)
    assert welcome["edit_window_seconds"] == 15 * 60
    message = await sent(alice_socket, "helo")
    await next_of_type(bob_socket, "message")

    await alice_socket.send_json_to({"type": "message.edit", "id": message["id"], "body": "hello"})

    for socket in (alice_socket, bob_socket):
        edited = await next_of_type(socket, "message.edited")
        assert edited["room"] == "lobby"
        assert (edited["message"]["id"], edited["message"]["body"]) == (message["id"], "hello")
        assert edited["message"]["edited"] is not None
        assert edited["message"]["seq"] == message["seq"]
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_refused_edit_names_the_message_and_the_socket_stays_usable(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    message = await sent(alice_socket, "mine")

    await bob_socket.send_json_to({"type": "message.edit", "id": message["id"], "body": "yours"})
    refused = await error_of(bob_socket)
    assert (refused["code"], refused["message_id"]) == ("forbidden", message["id"])

    await alice_socket.send_json_to({"type": "message.edit", "id": message["id"], "body": " "})
    assert (await error_of(alice_socket))["code"] == "empty_body"
    await alice_socket.send_json_to({"type": "message.edit", "id": "7", "body": "x"})
    assert (await error_of(alice_socket))["code"] == "invalid_field"
    await alice_socket.send_json_to({"type": "message.edit", "id": 10**15, "body": "x"})
    assert (await error_of(alice_socket))["code"] == "not_found"

    await still_open(bob_socket)
    await still_open(alice_socket)
    assert (await Message.objects.aget(pk=message["id"])).body == "mine"
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_an_author_deletes_their_own_message_for_everyone_but_not_anothers(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    mine = await sent(alice_socket, "oops")
    await next_of_type(bob_socket, "message")

    await bob_socket.send_json_to({"type": "message.delete", "id": mine["id"]})
    refused = await error_of(bob_socket)
    assert (refused["code"], refused["message_id"]) == ("forbidden", mine["id"])

    await alice_socket.send_json_to({"type": "message.delete", "id": mine["id"]})
    for socket in (alice_socket, bob_socket):
        deleted = await next_of_type(socket, "message.deleted")
        assert (deleted["ids"], deleted["by_author"]) == ([mine["id"]], True)

    await alice_socket.send_json_to({"type": "message.delete", "id": mine["id"]})
    assert (await error_of(alice_socket))["code"] == "not_found"
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_reactions_are_told_to_everyone_once_and_taken_back(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    message = await sent(alice_socket, "party?")
    await next_of_type(bob_socket, "message")
    add = {"type": "reaction.add", "message_id": message["id"], "emoji": "🎉"}

    await bob_socket.send_json_to(add)
    for socket in (alice_socket, bob_socket):
        added = await next_of_type(socket, "reaction.added")
        assert (added["message_id"], added["emoji"], added["user"]["id"]) == (
            message["id"],
            "🎉",
            bob.pk,
        )
    await bob_socket.send_json_to(add)  # the same click again: nothing to tell
    await bob_socket.send_json_to({**add, "type": "reaction.remove"})
    for socket in (alice_socket, bob_socket):
        removed = await next_frame(socket)
        assert removed["type"] == "reaction.removed", removed
        assert removed["user"]["id"] == bob.pk
    assert not await Reaction.objects.aexists()

    await bob_socket.send_json_to({**add, "emoji": "<b>hi</b>"})
    refused = await error_of(bob_socket)
    assert (refused["code"], refused["message_id"]) == ("invalid_emoji", message["id"])
    await still_open(bob_socket)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_reply_carries_its_quote_and_a_bad_one_is_refused_by_its_id(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    original = await sent(alice_socket, "lunch at noon?")

    reply = await sent(bob_socket, "yes @alice", reply_to=original["id"], client_msg_id="r1")
    assert reply["reply_to"]["id"] == original["id"]
    assert reply["reply_to"]["excerpt"] == "lunch at noon?"
    assert reply["mentions"] == [{"id": alice.pk, "name": "alice", "text": "@alice"}]

    await bob_socket.send_json_to(
        {"type": "message.send", "body": "re", "reply_to": 10**15, "client_msg_id": "r2"}
    )
    refused = await error_of(bob_socket)
    assert (refused["code"], refused["client_msg_id"]) == ("reply_not_found", "r2")
    await still_open(bob_socket)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_history_around_a_message_holds_it_in_the_middle(alice, lobby):
    ids = [
        (await Message.objects.acreate(room=lobby, author=alice, body=f"m{n}", seq=n)).pk
        for n in range(1, 31)
    ]
    socket, _ = await joined(alice)

    await socket.send_json_to({"type": "history", "around_id": ids[10], "limit": 10})

    page = await next_of_type(socket, "history")
    assert [m["id"] for m in page["messages"]] == ids[5:15]
    assert (page["around_id"], page["has_more"], page["has_newer"]) == (ids[10], True, True)
    await socket.send_json_to({"type": "history", "around_id": ids[1], "before_id": ids[3]})
    assert (await error_of(socket))["code"] == "invalid_field"
    await socket.disconnect()


async def test_a_page_that_reconnects_is_told_what_changed_while_it_was_away(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    first = await sent(alice_socket, "before")
    await alice_socket.disconnect()

    bob_socket, _ = await joined(bob)
    await bob_socket.send_json_to(
        {"type": "reaction.add", "message_id": first["id"], "emoji": "👍"}
    )
    await next_of_type(bob_socket, "reaction.added")
    await bob_socket.disconnect()

    again = await socket_for(alice)
    again.scope["query_string"] = f"after_id={first['id']}".encode()
    assert (await again.connect())[0]
    frames = [await next_frame(again) for _ in range(3)]
    assert [frame["type"] for frame in frames] == ["welcome", "message.edited", "synced"]
    assert frames[1]["message"]["reactions"] == [
        {"emoji": "👍", "users": [{"id": bob.pk, "name": "bob"}]}
    ]
    await again.disconnect()


async def test_the_old_page_sees_no_edits_or_reactions_and_a_deletion_as_a_line(alice, lobby):
    legacy, _ = await logged_in("oldtimer")
    socket, _ = await joined(alice)
    message = await sent(socket, "typo")
    assert (await next_legacy(legacy, "user"))["msg"] == "typo"

    await socket.send_json_to({"type": "message.edit", "id": message["id"], "body": "fixed"})
    await next_of_type(socket, "message.edited")
    await socket.send_json_to({"type": "reaction.add", "message_id": message["id"], "emoji": "👍"})
    await next_of_type(socket, "reaction.added")
    await socket.send_json_to({"type": "message.delete", "id": message["id"]})
    await next_of_type(socket, "message.deleted")

    told = [json.loads(await legacy.receive_from())]
    while not await legacy.receive_nothing(timeout=0.2):
        told.append(json.loads(await legacy.receive_from()))
    assert [(frame["type"], frame["msg"]) for frame in told] == [
        ("system", "A message was deleted by its author.")
    ]
    await legacy.disconnect()
    await socket.disconnect()


async def test_no_reaction_on_a_held_message_even_its_authors(alice, lobby):
    message = await Message.objects.acreate(room=lobby, author=alice, body="gone", seq=1)
    await Message.objects.filter(pk=message.pk).aupdate(held=True)
    socket, _ = await joined(alice)
    await socket.send_json_to({"type": "reaction.add", "message_id": message.pk, "emoji": "👍"})
    assert (await error_of(socket))["code"] == "not_found"
    await socket.disconnect()


async def test_an_edit_that_changes_nothing_is_answered_to_its_editor_alone(alice, bob, lobby):
    alice_socket, _ = await joined(alice)
    bob_socket, _ = await joined(bob)
    message = await sent(alice_socket, "same")

    await alice_socket.send_json_to({"type": "message.edit", "id": message["id"], "body": "same"})

    answer = await next_of_type(alice_socket, "message.edited")
    assert (answer["message"]["body"], answer["message"]["edited"]) == ("same", None)
    await bob_socket.send_json_to({"type": "ping"})
    while (frame := await next_frame(bob_socket))["type"] != "pong":
        assert frame["type"] != "message.edited", frame
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_refused_reaction_names_its_emoji(alice, lobby):
    socket, _ = await joined(alice)
    message = await sent(socket, "hi")
    await socket.send_json_to({"type": "reaction.add", "message_id": message["id"], "emoji": "x"})
    refused = await error_of(socket)
    assert (refused["code"], refused["message_id"], refused["emoji"]) == (
        "invalid_emoji",
        message["id"],
        "x",
    )
    await socket.disconnect()
