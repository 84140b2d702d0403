"""Private rooms and direct conversations are closed to everyone else on every path: the
socket (connect, and at once when let out), the page, the HTTP endpoints, the old page, the
admin. Socket tests run on the in-memory layer and on a real Redis."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from chat.access.direct import direct_room_open
from chat.access.private import invite_create, room_member_remove, room_privacy_set
from chat.models import Message, Report, Room
from chat.sockets.close_codes import CLOSE_NOT_AUTHENTICATED, CLOSE_NOT_FOUND
from tests.factories import MessageFactory, RoomFactory, UserFactory
from tests.legacy_sockets import legacy_socket
from tests.sockets import close_code, joined, next_of_type, socket_for

sockets = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("layer")]


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def club(owner):
    room = RoomFactory(slug="club", title="Club", creator=owner)
    room_privacy_set(actor=owner, room=room, private=True)
    return room


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def refused_with(user, slug) -> int:
    socket = await socket_for(user, slug=slug)
    connected, _ = await socket.connect()
    assert connected  # accepted, then closed with a readable code
    return await close_code(socket)


@pytest.mark.parametrize("kind", ["private", "direct"])
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_a_non_member_cannot_connect_and_a_visitor_is_not_logged_in(kind, owner, club):
    if kind == "direct":
        room = await sync_to_async(direct_room_open)(
            user=owner, other=await sync_to_async(UserFactory)()
        )
    else:
        room = club
    stranger = await sync_to_async(UserFactory)()
    assert await refused_with(stranger, room.slug) == CLOSE_NOT_FOUND
    assert await refused_with(None, room.slug) == CLOSE_NOT_AUTHENTICATED
    member, _ = await joined(owner, slug=room.slug)
    await member.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_a_member_let_out_is_closed_at_once_and_the_others_stay(owner, club):
    friend = await sync_to_async(UserFactory)(username="friend")
    await sync_to_async(club.members.create)(user=friend)
    friend_socket, _ = await joined(friend, slug="club")
    owner_socket, _ = await joined(owner, slug="club")

    await sync_to_async(room_member_remove)(actor=owner, room=club, user=friend)

    error = await next_of_type(friend_socket, "error")
    assert error["code"] == "removed"
    assert await close_code(friend_socket) == CLOSE_NOT_FOUND
    await owner_socket.send_json_to({"type": "ping"})
    assert (await next_of_type(owner_socket, "pong"))["type"] == "pong"
    await owner_socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_a_room_made_private_closes_the_pages_of_those_not_in_it(owner, lobby):
    room = await sync_to_async(RoomFactory)(slug="soon-private", creator=owner)
    reader = await sync_to_async(UserFactory)()
    reader_socket, _ = await joined(reader, slug=room.slug)
    owner_socket, _ = await joined(owner, slug=room.slug)

    await sync_to_async(room_privacy_set)(actor=owner, room=room, private=True)

    assert await close_code(reader_socket) == CLOSE_NOT_FOUND
    await owner_socket.send_json_to({"type": "message.send", "body": "just us"})
    assert (await next_of_type(owner_socket, "message"))["message"]["body"] == "just us"
    await owner_socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_the_old_page_is_refused_private_rooms_with_its_system_line(owner, club):
    socket = legacy_socket("/ws/legacy/club/")
    assert (await socket.connect())[0]
    told = json.loads(await socket.receive_from())
    assert told["type"] == "system" and "private" in told["msg"]
    assert await close_code(socket) == CLOSE_NOT_FOUND


@pytest.mark.django_db
def test_the_page_of_a_private_room_is_not_there_for_outsiders(owner, club):
    assert client_for(UserFactory()).get("/chat/club/").status_code == 404
    assert Client().get("/chat/club/").status_code == 404  # nor does it ask to log in
    assert client_for(owner).get("/chat/club/").status_code == 200
    assert "Club" not in client_for(UserFactory()).get("/").content.decode()
    assert "Club" in client_for(owner).get("/").content.decode()


@pytest.mark.django_db
def test_every_http_endpoint_of_a_private_room_answers_404_to_outsiders(owner, club):
    message = MessageFactory(room=club, author=owner)
    outsider = client_for(UserFactory())
    posts = [
        f"/chat/club/messages/{message.pk}/report/",
        f"/chat/club/messages/{message.pk}/delete/",
        "/chat/club/members/",
        "/chat/club/invites/",
        "/chat/club/privacy/",
        "/chat/club/notifications/",
        f"/chat/club/people/{owner.pk}/kick/",
    ]
    for path in posts:
        response = outsider.post(path, data="{}", content_type="application/json")
        assert response.status_code == 404, path
    for path in (
        f"/chat/club/people/{owner.pk}/",
        "/chat/club/moderation/",
        "/chat/club/search/?q=hi",
    ):
        assert outsider.get(path).status_code == 404, path
    visitor = Client()  # not logged in: asked to log in, told nothing of the room
    for path in posts:
        response = visitor.post(path, data="{}", content_type="application/json")
        assert response.status_code in (401, 403), path
    assert visitor.get("/chat/club/search/?q=hi").status_code == 401
    assert visitor.get("/search/?q=hi").status_code == 401
    assert not Report.objects.exists()
    assert Message.objects.get(pk=message.pk).deleted_at is None


@pytest.mark.django_db
def test_an_invitation_link_lets_a_visitor_in_and_an_old_one_is_refused(owner, club):
    invite = invite_create(actor=owner, room=club, duration="1h")
    visitor = client_for(UserFactory())
    page = visitor.get(f"/invite/{invite.token}/")
    assert page.status_code == 200 and "Club" in page.content.decode()
    assert visitor.get("/chat/club/").status_code == 404  # looking is not joining

    assert visitor.post(f"/invite/{invite.token}/").url == "/chat/club/"
    assert visitor.get("/chat/club/").status_code == 200

    invite.revoked_at = invite.created
    invite.save()
    late = client_for(UserFactory())
    assert late.get(f"/invite/{invite.token}/").status_code == 410
    assert late.post(f"/invite/{invite.token}/").status_code == 410
    assert late.get("/chat/club/").status_code == 404


@pytest.mark.django_db
def test_staff_see_a_direct_message_in_the_admin_only_once_it_is_reported(owner):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    bob = UserFactory(username="bob")
    room = direct_room_open(user=owner, other=bob)
    private_line = MessageFactory(room=room, author=bob, body="between us")
    reported = MessageFactory(room=room, author=bob, body="reported line")
    Report.objects.create(message=reported, reporter=owner)
    page = client_for(admin).get("/admin/chat/message/").content.decode()
    assert "reported line" in page
    assert "between us" not in page
    assert (
        client_for(admin).get(f"/admin/chat/message/{private_line.pk}/change/").status_code == 302
    )


@pytest.mark.django_db
def test_a_direct_conversation_is_opened_from_a_person_and_listed_for_both(owner):
    bob = UserFactory(username="bob")
    opened = client_for(owner).post(f"/people/{bob.pk}/direct/")
    assert opened.status_code == 200
    slug = opened.json()["slug"]
    assert Room.objects.get(slug=slug).kind == Room.DIRECT
    assert client_for(bob).get(f"/chat/{slug}/").status_code == 200
    assert client_for(UserFactory()).get(f"/chat/{slug}/").status_code == 404
    listed = client_for(bob).get("/me/rooms/").json()["rooms"]
    assert [(room["slug"], room["title"]) for room in listed] == [(slug, "owner")]
    assert Client().get("/me/rooms/").status_code == 401
