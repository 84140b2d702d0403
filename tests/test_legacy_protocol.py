"""The old page's avatars, addresses and names, mapped in one place (chat/legacy/protocol.py)."""

from datetime import UTC, datetime

import pytest

from chat import identity
from chat.errors import NicknameTaken
from chat.legacy.protocol import (
    InvalidName,
    Login,
    absolute_url,
    avatar_from_headerimg,
    legacy_frame_parse,
    user_list,
)
from chat.presence.tracker import OnlineUser
from chat.sockets.origin import site_url


@pytest.mark.parametrize(
    ("headerimg", "avatar"),
    [
        ("img/a1.jpg", "a1"),
        ("img/a7.jpg", "a7"),
        ("img/a12.jpg", "a12"),
        ("img/a13.jpg", "a1"),
        ("img/a0.jpg", "a1"),
        ("img/a07.jpg", "a1"),
        ("img/a7.jpg?x", "a1"),
        ("/img/a7.jpg", "a1"),
        ("../x", "a1"),
        ("javascript:alert(1)", "a1"),
        ("", "a1"),
        (None, "a1"),
    ],
)
def test_old_avatar_paths_map_to_a_shipped_avatar_or_the_default(headerimg, avatar):
    assert avatar_from_headerimg(headerimg) == avatar


def scope(host: bytes, scheme: str = "ws", **headers) -> dict:
    extra = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return {"scheme": scheme, "headers": [(b"host", host), *extra]}


def test_avatar_urls_are_absolute_on_the_host_the_socket_came_in_on():
    site = site_url(scope(b"localhost:8000"))
    assert site == "http://localhost:8000"
    assert absolute_url("/static/avatars/a7.svg", site=site) == (
        "http://localhost:8000/static/avatars/a7.svg"
    )
    assert site_url(scope(b"localhost", scheme="wss")) == "https://localhost"


def test_an_absolute_static_url_is_kept():
    site = "http://localhost"
    assert absolute_url("https://cdn.example/a7.svg", site=site) == "https://cdn.example/a7.svg"


def test_a_host_outside_allowed_hosts_gives_a_plain_path():
    site = site_url(scope(b"evil.example"))
    assert site == ""
    assert absolute_url("/static/avatars/a7.svg", site=site) == "/static/avatars/a7.svg"


def test_a_proxy_saying_https_is_believed_only_when_configured(settings):
    behind_proxy = scope(b"localhost", x_forwarded_proto="https")
    assert site_url(behind_proxy) == "http://localhost"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert site_url(behind_proxy) == "https://localhost"


def test_login_times_are_hours_and_minutes_in_the_servers_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    since = datetime(2026, 11, 22, 8, 30, 59, tzinfo=UTC)
    entry = {"user": {"id": 1, "name": "u", "avatar": "/static/avatars/a1.svg"}}
    for kept_as in (since, since.isoformat()):  # memory store: datetime; shared store: text
        online = [OnlineUser(user=entry["user"], since=kept_as)]
        assert user_list(online, site="")[0]["login_time"] == "16:30"


def test_a_login_frame_becomes_a_name_and_an_avatar():
    text = '{"type": "login", "msg": " user3A06A071 ", "headerimg": "img/a5.jpg"}'
    assert legacy_frame_parse(text=text) == Login(name="user3A06A071", avatar="a5")


def test_names_follow_the_join_forms_rule():
    assert legacy_frame_parse(text='{"type": "login", "msg": "小明"}').name == "小明"
    with pytest.raises(InvalidName):
        legacy_frame_parse(text='{"type": "login", "msg": "a/b"}')


@pytest.mark.django_db
def test_a_legacy_guest_is_made_then_reused_with_its_new_avatar():
    made = identity.legacy_guest_login(nickname="user3A06A071", avatar="a7")
    again = identity.legacy_guest_login(nickname="USER3a06a071", avatar="a2")

    assert again.pk == made.pk
    made.profile.refresh_from_db()
    assert (made.profile.source, made.profile.is_guest, made.profile.avatar) == (
        "legacy",
        True,
        "a2",
    )
    assert not made.has_usable_password()


@pytest.mark.django_db
def test_names_of_the_sites_own_guests_and_accounts_are_not_for_legacy_pages(alice):
    identity.guest_create(nickname="webguest")
    for name in ("webguest", "Alice"):
        with pytest.raises(NicknameTaken):
            identity.legacy_guest_login(nickname=name, avatar="a1")


@pytest.mark.django_db
def test_the_join_form_still_refuses_a_legacy_name():
    identity.legacy_guest_login(nickname="oldtimer", avatar="a1")
    with pytest.raises(NicknameTaken):
        identity.guest_create(nickname="oldtimer")


@pytest.mark.django_db
def test_a_legacy_name_that_got_a_password_is_no_longer_for_legacy_pages():
    """The old protocol has no passwords: once a name has one, nobody may log in as it."""
    legacy = identity.legacy_guest_login(nickname="oldtimer", avatar="a1")
    identity.guest_upgrade(user=legacy, password="a long enough passphrase")

    with pytest.raises(NicknameTaken):
        identity.legacy_guest_login(nickname="oldtimer", avatar="a1")
