"""A banned guest cannot walk back in as someone new: a ban holds their account, their
browser (the signed ``chat_browser`` cookie) and, for a while, their address (an IPv6 one by
its /64), at /join/, at the room's socket and at the old page's login. Another browser on
another address is not affected, nor is a moderator on a shared address, and a lifted ban
lets the browser back.

Each test goes through the real entry points: Django's test Client is the browser (it keeps
its cookies), the room socket is opened with that browser's cookies, and a moderator bans
and lifts through the page's moderation endpoints."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from chat.identity import legacy_guest_find
from chat.models import Sanction
from chat.sockets.close_codes import CLOSE_BANNED
from chatsite.asgi import application
from tests.factories import UserFactory
from tests.legacy_sockets import legacy_socket
from tests.sockets import SITE_ORIGIN, close_code

User = get_user_model()
sockets = pytest.mark.django_db(transaction=True)

HOME = "203.0.113.7"  # where the troll joins from
ELSEWHERE = "198.51.100.9"
BANNED_HERE = "A moderator banned you from this room"
BANNED_SITE = "A moderator banned you from this site"


@pytest.fixture
def owner(lobby):
    """The lobby's owner: its moderator."""
    user = UserFactory(username="owner")
    lobby.creator = user
    lobby.save()
    return user


@pytest.fixture
def staff(db):
    """A site moderator: staff with "Can moderate every room"."""
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    return user


def join(browser: Client, nickname: str, *, address: str = HOME, next_url="/chat/lobby/"):
    """The join page visited and its form sent, on the way to ``next_url`` (None: no next)."""
    query = "" if next_url is None else "?" + urlencode({"next": next_url})
    browser.get(f"/join/{query}", REMOTE_ADDR=address)
    return browser.post(
        f"/join/{query}", {"nickname": nickname, "avatar": "a1"}, REMOTE_ADDR=address
    )


def joined(nickname: str, *, address: str = HOME) -> Client:
    """A browser in which ``nickname`` joined as a guest from ``address``."""
    browser = Client()
    assert join(browser, nickname, address=address).status_code == 302
    return browser


def session_cleared(browser: Client) -> Client:
    """The browser without its session (as after clearing it): the chat_browser cookie stays."""
    del browser.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME not in browser.cookies and "chat_browser" in browser.cookies
    return browser


def ban_by(moderator, nickname: str, *, site: bool = False, reason: str = "spam") -> int:
    """``moderator`` bans ``nickname`` for a day from the lobby (or the site), on the page."""
    page = Client()
    page.force_login(moderator)
    target = User.objects.get(username=nickname)
    fields = {"duration": "1d", "reason": reason, **({"site": "true"} if site else {})}
    response = page.post(f"/chat/lobby/people/{target.pk}/ban/", fields)
    assert response.status_code == 200, response.content
    return response.json()["sanction"]


def lift_by(moderator, sanction_id: int) -> None:
    page = Client()
    page.force_login(moderator)
    response = page.post(f"/chat/lobby/sanctions/{sanction_id}/lift/")
    assert response.status_code == 200, response.content


def page_text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def refused(response, wording: str = BANNED_HERE) -> bool:
    """Whether /join/ answered with the ban: 403, and the ban's words and reason on the page."""
    text = page_text(response)
    return response.status_code == 403 and wording in text and "Reason: spam" in text


def address_hold_ended() -> None:
    Sanction.objects.update(address_expires=timezone.now() - timedelta(seconds=1))


def room_socket(browser: Client, *, slug: str = "lobby", address: str = HOME):
    """The room page's socket as ``browser`` opens it: its cookies, Host and Origin."""
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in browser.cookies.items())
    headers = [
        (b"host", b"localhost:8000"),
        (b"origin", SITE_ORIGIN.encode()),
        (b"cookie", cookies.encode()),
    ]
    socket = WebsocketCommunicator(application, f"/ws/chat/{slug}/", headers=headers)
    socket.scope["client"] = (address, 50_000)
    return socket


async def welcomed(socket) -> dict:
    connected, _ = await socket.connect()
    assert connected
    welcome = await socket.receive_json_from()
    await socket.disconnect()
    assert welcome["type"] == "welcome", welcome
    return welcome


async def refused_on_socket(socket) -> dict:
    """The error frame of a socket refused for a ban, which then closes with 4403."""
    connected, _ = await socket.connect()
    assert connected
    error = await socket.receive_json_from()
    code = await close_code(socket)
    await socket.disconnect()
    assert error["type"] == "error" and error["code"] == "banned", error
    assert code == CLOSE_BANNED
    return error


async def old_page_login(name: str, address: str) -> tuple[dict, int | None]:
    """The old page logging in as ``name`` from ``address``: its answer, and the close code
    when the socket was closed (None while it stays open)."""
    socket = legacy_socket("/")
    socket.scope["client"] = (address, 50_000)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["type"] == "handShake"
    await socket.send_json_to({"type": "login", "msg": name, "headerimg": "img/a1.jpg"})
    answer = await socket.receive_json_from()
    code = await close_code(socket) if answer["type"] == "system" else None
    await socket.disconnect()
    return answer, code


# The room socket


@sockets
async def test_a_banned_guest_reloading_the_room_is_refused(owner):
    troll = await sync_to_async(joined)("troll")
    await welcomed(room_socket(troll))

    await sync_to_async(ban_by)(owner, "troll", reason="spam")

    error = await refused_on_socket(room_socket(troll))
    assert (error["room"], error["reason"]) == ("lobby", "spam")
    assert error["until"] is not None


@sockets
async def test_the_banned_browser_with_a_new_guest_is_refused_by_the_rooms_socket(
    owner, other_room
):
    troll = await sync_to_async(joined)("troll")
    await sync_to_async(ban_by)(owner, "troll")
    session_cleared(troll)

    # Joining on the way to somewhere else is not refused for a lobby ban, and the address
    # is another: only the browser tells.
    answer = await sync_to_async(join)(troll, "newface", address=ELSEWHERE, next_url="/")
    assert answer.status_code == 302

    await refused_on_socket(room_socket(troll, address=ELSEWHERE))
    await welcomed(room_socket(troll, slug="other", address=ELSEWHERE))


@sockets
async def test_another_account_on_the_banned_address_is_refused_by_the_rooms_socket(owner, bob):
    await sync_to_async(joined)("troll")
    await sync_to_async(ban_by)(owner, "troll")
    bobs_browser = Client()
    await sync_to_async(bobs_browser.force_login)(bob)

    await refused_on_socket(room_socket(bobs_browser, address=HOME))
    await welcomed(room_socket(bobs_browser, address=ELSEWHERE))


@sockets
async def test_a_moderator_on_the_banned_address_is_not_held(owner):
    await sync_to_async(joined)("troll")
    await sync_to_async(ban_by)(owner, "troll")
    moderators_browser = Client()
    await sync_to_async(moderators_browser.force_login)(owner)

    welcome = await welcomed(room_socket(moderators_browser, address=HOME))

    assert welcome["moderator"] is True


# Joining again at /join/


@pytest.mark.django_db
def test_a_banned_guest_who_clears_the_session_cannot_join_as_someone_new(owner):
    troll = joined("troll")
    ban_by(owner, "troll")

    answer = join(session_cleared(troll), "newface", address=ELSEWHERE)

    assert refused(answer)
    assert not User.objects.filter(username="newface").exists()
    assert settings.SESSION_COOKIE_NAME not in answer.cookies, "no session was given"


@pytest.mark.django_db
def test_a_new_browser_on_the_banned_address_is_refused_while_the_address_is_held(owner):
    joined("troll")
    ban_by(owner, "troll")

    assert refused(join(Client(), "newface", address=HOME))

    address_hold_ended()
    assert join(Client(), "newface", address=HOME).status_code == 302


@pytest.mark.django_db
def test_another_browser_on_another_address_is_not_refused(owner):
    joined("troll")
    ban_by(owner, "troll")

    assert join(Client(), "passerby", address=ELSEWHERE).status_code == 302


@pytest.mark.django_db
def test_an_ipv6_ban_holds_the_whole_64(owner):
    joined("troll", address="2001:db8:1:2::1")
    ban_by(owner, "troll")

    assert refused(join(Client(), "newface", address="2001:db8:1:2:ffff:ee:dd:9"))
    assert join(Client(), "neighbour", address="2001:db8:1:3::1").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", [None, "/", "/chat/lobby/", "/chat/other/", "/accounts/signup/"]
)
def test_a_site_ban_refuses_join_whatever_the_next_page(next_url, staff, lobby, other_room):
    troll = joined("troll")
    ban_by(staff, "troll", site=True)

    answer = join(session_cleared(troll), "newface", next_url=next_url)

    assert refused(answer, BANNED_SITE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("next_url", "status"),
    [
        ("/chat/lobby/", 403),
        (None, 403),  # the join page's default is the lobby
        ("http://testserver/chat/lobby/", 403),
        ("/chat/other/", 302),
        ("/", 302),
    ],
)
def test_a_room_ban_refuses_join_only_on_the_way_into_that_room(
    next_url, status, owner, other_room
):
    troll = joined("troll")
    ban_by(owner, "troll")

    answer = join(session_cleared(troll), "newface", next_url=next_url)

    assert answer.status_code == status
    if status == 403:
        assert refused(answer)


@pytest.mark.django_db
def test_after_the_ban_is_lifted_the_same_browser_may_join_again(owner):
    troll = joined("troll")
    sanction = ban_by(owner, "troll")
    assert refused(join(session_cleared(troll), "newface"))

    lift_by(owner, sanction)

    assert join(troll, "newface").status_code == 302
    assert join(Client(), "another", address=HOME).status_code == 302, "and the address"


# The old page


@sockets
async def test_a_banned_old_page_guest_is_refused_by_name_and_a_new_name_by_address(owner):
    answer, _ = await old_page_login("trollish", HOME)
    assert answer["type"] == "login"

    await sync_to_async(ban_by)(owner, "trollish", reason="spam")

    by_name, code = await old_page_login("trollish", ELSEWHERE)
    assert by_name["type"] == "system" and BANNED_HERE in by_name["msg"] and code == CLOSE_BANNED
    by_address, code = await old_page_login("newname", HOME)
    assert by_address["type"] == "system" and BANNED_HERE in by_address["msg"]
    assert code == CLOSE_BANNED
    assert await sync_to_async(legacy_guest_find)(nickname="newname") is None
    passerby, _ = await old_page_login("passerby", ELSEWHERE)
    assert passerby["type"] == "login"


@sockets
async def test_a_guest_banned_on_the_room_page_cannot_come_back_on_the_old_page(owner):
    await sync_to_async(joined)("troll")

    await sync_to_async(ban_by)(owner, "troll")

    answer, code = await old_page_login("newname", HOME)
    assert answer["type"] == "system" and BANNED_HERE in answer["msg"]
    assert code == CLOSE_BANNED


@sockets
async def test_an_old_page_guest_banned_cannot_come_back_through_join(owner):
    await old_page_login("trollish", HOME)

    await sync_to_async(ban_by)(owner, "trollish")

    assert refused(await sync_to_async(join)(Client(), "newface", address=HOME))
