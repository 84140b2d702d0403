"""The word filter on open sockets: a refused send is answered and nothing else happens, a
masked word never reaches another screen, and a held message stays with its author and the
moderators until one approves it, when it reaches everyone."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from chat.models import Message, WordFilter
from chat.moderation.held import held_approve
from tests.factories import UserFactory
from tests.sockets import drain, joined, next_frame, next_of_type

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


@pytest.fixture
def owner(db, lobby):
    user = UserFactory(username="owner")
    lobby.creator = user
    lobby.save()
    return user


@pytest.fixture
def entries(db, lobby):
    WordFilter.objects.create(pattern="scam", action=WordFilter.REFUSE)
    WordFilter.objects.create(pattern="darn", match=WordFilter.WORD, action=WordFilter.MASK)
    WordFilter.objects.create(pattern="crypto", action=WordFilter.HOLD)


async def send(socket, body: str, client_msg_id: str) -> dict:
    """The ack or error that answers this send."""
    await socket.send_json_to(
        {"type": "message.send", "body": body, "client_msg_id": client_msg_id}
    )
    while True:
        frame = await next_frame(socket)
        if frame["type"] in ("ack", "error") and frame.get("client_msg_id") == client_msg_id:
            return frame


async def history(socket) -> list[dict]:
    await socket.send_json_to({"type": "history"})
    return (await next_of_type(socket, "history"))["messages"]


async def messages_until(socket, body: str) -> list[dict]:
    """The message frames ``socket`` receives, up to the one with ``body``."""
    received = []
    while not received or received[-1]["body"] != body:
        received.append((await next_of_type(socket, "message"))["message"])
    return received


async def test_a_refused_send_is_answered_with_filtered_and_the_socket_goes_on(entries, alice, bob):
    author, _ = await joined(alice)
    reader, _ = await joined(bob)

    refusal = await send(author, "a SCAM offer", "m-1")

    assert refusal["type"] == "error"
    assert (refusal["code"], refusal["client_msg_id"]) == ("filtered", "m-1")
    assert refusal["detail"]
    assert (await send(author, "sorry", "m-2"))["type"] == "ack"
    assert [m["body"] for m in await messages_until(reader, "sorry")] == ["sorry"]
    assert not await Message.objects.filter(client_msg_id="m-1").aexists()
    for socket in (author, reader):
        await socket.disconnect()


async def test_a_masked_word_reaches_other_screens_as_stars(entries, alice, bob):
    author, _ = await joined(alice)
    reader, _ = await joined(bob)

    ack = await send(author, "Darn, ＤＡＲＮ it", "m-1")

    assert ack["type"] == "ack" and "held" not in ack
    message = (await next_of_type(reader, "message"))["message"]
    assert (message["id"], message["body"]) == (ack["id"], "***, *** it")
    for socket in (author, reader):
        await socket.disconnect()


async def test_a_held_message_stays_with_its_author_until_a_moderator_approves_it(
    entries, owner, alice, bob
):
    author, _ = await joined(alice)
    reader, _ = await joined(bob)

    ack = await send(author, "cheap crypto here", "m-1")

    assert ack["type"] == "ack" and ack["held"] is True
    # A later message reaches the reader; the held one, before it, must not have.
    await send(author, "after", "m-2")
    assert [m["body"] for m in await messages_until(reader, "after")] == ["after"]
    assert [m["body"] for m in await messages_until(author, "after")] == ["after"]
    assert [f for f in await drain(reader) if f["type"] == "message"] == []
    own = {m["id"]: m for m in await history(author)}
    assert own[ack["id"]]["body"] == "cheap crypto here" and own[ack["id"]]["held"] is True
    assert ack["id"] not in [m["id"] for m in await history(reader)]

    message = await Message.objects.select_related("room", "author__profile").aget(pk=ack["id"])
    await sync_to_async(held_approve)(actor=owner, message=message)

    for socket in (reader, author):
        approved = (await next_of_type(socket, "message"))["message"]
        assert (approved["id"], approved["body"]) == (ack["id"], "cheap crypto here")
        assert "held" not in approved
    assert ack["id"] in [m["id"] for m in await history(reader)]
    for socket in (author, reader):
        await socket.disconnect()


async def test_a_moderators_message_is_not_held(entries, owner, bob):
    moderator, _ = await joined(owner)
    reader, _ = await joined(bob)

    ack = await send(moderator, "crypto news", "m-1")

    assert ack["type"] == "ack" and "held" not in ack
    assert (await next_of_type(reader, "message"))["message"]["id"] == ack["id"]
    for socket in (moderator, reader):
        await socket.disconnect()


async def test_a_new_guests_link_is_refused_with_how_long_to_wait(lobby, bob, settings):
    settings.CHAT_GUEST_LINK_MINUTES = 10
    guest = await sync_to_async(UserFactory)(guest=True)
    guest.date_joined = timezone.now() - timedelta(minutes=4)
    await guest.asave(update_fields=["date_joined"])
    newcomer, _ = await joined(guest)
    reader, _ = await joined(bob)

    refusal = await send(newcomer, "see https://example.com", "m-1")

    assert (refusal["code"], refusal["client_msg_id"]) == ("filtered", "m-1")
    assert "6\xa0minutes" in refusal["detail"]
    assert (await send(newcomer, "see example dot com", "m-2"))["type"] == "ack"
    assert [m["body"] for m in await messages_until(reader, "see example dot com")] == [
        "see example dot com"
    ]
    assert [f for f in await drain(reader) if f["type"] == "message"] == []
    for socket in (newcomer, reader):
        await socket.disconnect()
