"""Unticking "Active" on a user in the admin ends their chat at once, on both endpoints and
every process (through the channel layer), and keeps them out."""

import pytest
from asgiref.sync import sync_to_async

from chat.identity import legacy_guest_find
from chat.sockets.close_codes import CLOSE_NOT_AUTHENTICATED
from tests.legacy_sockets import logged_in, shaken
from tests.sockets import close_code, joined, next_presence, socket_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


@sync_to_async
def deactivate(user) -> None:
    user.is_active = False
    user.save()  # as the admin's change form saves it


async def test_a_deactivated_users_room_sockets_close_and_stay_closed(alice, bob, lobby):
    troll, _ = await joined(alice)
    other_tab, _ = await joined(alice)
    bystander, _ = await joined(bob)

    await deactivate(alice)

    assert await close_code(troll) == CLOSE_NOT_AUTHENTICATED
    assert await close_code(other_tab) == CLOSE_NOT_AUTHENTICATED
    for closed in (troll, other_tab):
        await closed.disconnect()  # what the server reports once the close is done
    again = await socket_for(alice)
    assert (await again.connect())[0]
    assert await close_code(again) == CLOSE_NOT_AUTHENTICATED
    left = await next_presence(bystander, "presence.left", alice.username)
    assert left["count"] == 1, "the others see the troll gone"
    await bystander.disconnect()


async def test_a_deactivated_old_page_guest_is_closed_and_cannot_log_in_again(lobby):
    troll, _ = await logged_in("trollish")
    user = await sync_to_async(legacy_guest_find)(nickname="trollish")

    await deactivate(user)

    assert await close_code(troll) == CLOSE_NOT_AUTHENTICATED
    comeback = await shaken("/")
    await comeback.send_json_to({"type": "login", "msg": "trollish", "headerimg": "img/a1.jpg"})
    refusal = await comeback.receive_json_from()
    assert refusal["type"] == "system"
    await comeback.disconnect()
