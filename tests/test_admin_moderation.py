"""Moderation from the admin acts exactly as from the page: a removed, purged or approved
message, a mute, a ban, a lift and new rules reach open pages at once, and every action is
in the audit log, which the admin shows but never lets anyone change."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Permission
from django.utils import timezone

from chat.models import Message, ModerationAction, Profile, Report, Room, Sanction, WordFilter
from chat.moderation.audit import audit_record
from chat.moderation.sanctions import sanction_give
from chat.sockets.close_codes import CLOSE_BANNED
from tests.factories import MessageFactory, UserFactory
from tests.sockets import close_code, joined, next_of_type

# Tests that open sockets mark themselves django_db(transaction=True) (the consumers read the
# database from other threads) and run on the memory layer and on a real Redis ("layer").
pytestmark = pytest.mark.django_db

MESSAGES = "/admin/chat/message/"
SANCTIONS = "/admin/chat/sanction/"
REPORTS = "/admin/chat/report/"
LOG = "/admin/chat/moderationaction/"


def act(client, url: str, action: str, objects):
    """Run a changelist action on ``objects``, as ticking them and pressing Go does."""
    response = client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )
    assert response.status_code == 200
    return response


def shown(response) -> list:
    return list(response.context["cl"].result_list)


def notices(response) -> list[str]:
    return [str(notice) for notice in response.context["messages"]]


def staff_with(*codenames):
    """Staff who may use the admin pages named, but moderate no room."""
    staff = UserFactory(username="clerk", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return staff


# Messages ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_removing_a_message_in_the_admin_takes_it_off_open_pages_and_keeps_it(
    admin_client, admin_user, alice, lobby
):
    message = await sync_to_async(MessageFactory)(room=lobby, author=alice, body="buy pills")
    reader, _ = await joined(alice)

    await sync_to_async(act)(admin_client, MESSAGES, "remove_selected", [message])

    deleted = await next_of_type(reader, "message.deleted")
    assert deleted["ids"] == [message.pk]
    kept = await Message.objects.aget(pk=message.pk)
    assert kept.deleted_at is not None and kept.deleted_by_id == admin_user.pk
    assert await ModerationAction.objects.filter(
        action=ModerationAction.DELETE, actor=admin_user, message=message
    ).aexists()
    await reader.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
@pytest.mark.parametrize("way", ["the change form's Delete", "delete selected"])
async def test_deleting_a_message_in_the_admin_purges_it_from_open_pages(
    admin_client, admin_user, alice, lobby, way
):
    message = await sync_to_async(MessageFactory)(room=lobby, author=alice, body="buy pills")
    reader, _ = await joined(alice)

    if way == "delete selected":
        await sync_to_async(admin_client.post)(
            MESSAGES, {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"}
        )
    else:
        await sync_to_async(admin_client.post)(f"{MESSAGES}{message.pk}/delete/", {"post": "yes"})

    deleted = await next_of_type(reader, "message.deleted")
    assert deleted["ids"] == [message.pk]
    assert not await Message.objects.filter(pk=message.pk).aexists()
    assert await ModerationAction.objects.filter(
        action=ModerationAction.DELETE, actor=admin_user, target=alice
    ).aexists()
    await reader.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_approving_a_held_message_in_the_admin_shows_it_on_open_pages(
    admin_client, admin_user, alice, bob, lobby
):
    held = await sync_to_async(MessageFactory)(room=lobby, author=alice, body="maybe", held=True)
    reader, _ = await joined(bob)

    await sync_to_async(act)(admin_client, MESSAGES, "approve_selected", [held])

    shown_now = await next_of_type(reader, "message")
    assert shown_now["message"]["id"] == held.pk and shown_now["message"]["body"] == "maybe"
    assert not (await Message.objects.aget(pk=held.pk)).held
    assert await ModerationAction.objects.filter(
        action=ModerationAction.APPROVE, actor=admin_user, message=held
    ).aexists()
    await reader.disconnect()


def test_messages_are_newest_first_and_filter_by_deleted_and_held(admin_client, alice, lobby):
    plain = MessageFactory(room=lobby, author=alice, body="plain")
    gone = MessageFactory(room=lobby, author=alice, body="gone", deleted_at=timezone.now())
    held = MessageFactory(room=lobby, author=alice, body="held", held=True)

    def bodies(**query) -> list[str]:
        return [m.body for m in shown(admin_client.get(MESSAGES, query))]

    assert bodies() == [held.body, gone.body, plain.body]
    assert bodies(deleted="yes") == ["gone"]
    assert bodies(deleted="no") == ["held", "plain"]
    assert bodies(held__exact="1") == ["held"]


def test_a_deleted_messages_who_when_and_why_show_but_cannot_be_edited(
    admin_client, admin_user, alice, lobby
):
    message = MessageFactory(
        room=lobby,
        author=alice,
        deleted_at=timezone.now(),
        deleted_by=admin_user,
        delete_reason="spam link",
    )

    page = admin_client.get(f"{MESSAGES}{message.pk}/change/").content.decode()

    assert "spam link" in page and "admin" in page
    for field in ("deleted_at", "deleted_by", "delete_reason", "held"):
        assert f'name="{field}"' not in page


def test_a_staff_member_who_moderates_no_room_is_told_and_nothing_is_removed(client, alice, lobby):
    client.force_login(staff_with("view_message", "change_message"))
    message = MessageFactory(room=lobby, author=alice)

    response = act(client, MESSAGES, "remove_selected", [message])

    assert any("may not moderate" in notice for notice in notices(response))
    message.refresh_from_db()
    assert message.deleted_at is None


# Mutes and bans -------------------------------------------------------------------------


def add_sanction(client, **fields):
    data = {"kind": "ban", "room": "", "duration": "1d", "reason": "", **fields}
    return client.post(f"{SANCTIONS}add/", data)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_a_ban_added_in_the_admin_closes_the_users_open_page(
    admin_client, admin_user, alice, lobby
):
    page, _ = await joined(alice)

    response = await sync_to_async(add_sanction)(
        admin_client, kind="ban", user=alice.pk, room=lobby.pk, duration="1d", reason="spam"
    )

    assert response.status_code == 302
    error = await next_of_type(page, "error")
    assert error["code"] == "banned" and error["reason"] == "spam" and error["until"]
    assert await close_code(page) == CLOSE_BANNED
    await page.disconnect()
    ban = await Sanction.objects.aget(user=alice)
    assert ban.kind == "ban" and ban.room_id == lobby.pk and ban.created_by_id == admin_user.pk
    assert timedelta(hours=23) < ban.expires - timezone.now() <= timedelta(days=1)
    entry = await ModerationAction.objects.aget(action=ModerationAction.BAN)
    assert entry.actor_id == admin_user.pk and entry.target_id == alice.pk
    assert entry.expires == ban.expires and entry.reason == "spam"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_a_site_wide_mute_added_in_the_admin_shows_on_the_users_page(
    admin_client, alice, lobby
):
    page, _ = await joined(alice)

    await sync_to_async(add_sanction)(
        admin_client, kind="mute", user=alice.pk, duration="10m", reason="calm down"
    )

    notice = await next_of_type(page, "moderation.muted")
    assert notice["room"] is None and notice["reason"] == "calm down" and notice["until"]
    await page.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_lifting_a_mute_in_the_admin_reopens_the_users_composer(
    admin_client, admin_user, alice, lobby
):
    mute = await sync_to_async(sanction_give)(
        actor=admin_user, target=alice, kind="mute", duration="forever", room=lobby
    )
    page, _ = await joined(alice)

    await sync_to_async(act)(admin_client, SANCTIONS, "lift_selected", [mute])

    await next_of_type(page, "moderation.unmuted")
    await mute.arefresh_from_db()
    assert not mute.is_active and mute.lifted_by_id == admin_user.pk
    entry = await ModerationAction.objects.aget(action=ModerationAction.LIFT)
    assert entry.actor_id == admin_user.pk and entry.target_id == alice.pk
    await page.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_deleting_a_mute_outright_in_the_admin_also_reopens_the_users_composer(
    admin_client, admin_user, alice, lobby
):
    mute = await sync_to_async(sanction_give)(
        actor=admin_user, target=alice, kind="mute", duration="1d", room=lobby
    )
    page, welcome = await joined(alice)
    assert welcome["muted"]["room"] == "lobby"

    await sync_to_async(act)(admin_client, SANCTIONS, "delete_selected", [mute])
    await sync_to_async(admin_client.post)(
        SANCTIONS, {"action": "delete_selected", "_selected_action": [mute.pk], "post": "yes"}
    )

    await next_of_type(page, "moderation.unmuted")
    assert not await Sanction.objects.filter(pk=mute.pk).aexists()
    await page.disconnect()


def test_a_new_ban_replaces_the_active_one_of_the_same_place(admin_client, alice, lobby):
    add_sanction(admin_client, user=alice.pk, room=lobby.pk, duration="forever")
    add_sanction(admin_client, user=alice.pk, room=lobby.pk, duration="10m")

    active = Sanction.objects.active().get(user=alice)
    assert active.expires is not None and active.expires - timezone.now() <= timedelta(minutes=10)


def test_a_ban_added_in_the_admin_holds_the_users_browser_and_address(admin_client, alice):
    Profile.objects.filter(user=alice).update(browser_key="b" * 64, address_key="a" * 64)

    add_sanction(admin_client, kind="ban", user=alice.pk, duration="1w")

    ban = Sanction.objects.get(user=alice)
    assert ban.browser_key == "b" * 64 and ban.address_key == "a" * 64
    assert timezone.now() < ban.address_expires <= ban.expires


def test_a_staff_member_who_moderates_no_room_cannot_lift_and_is_told(
    client, admin_user, alice, lobby
):
    ban = sanction_give(actor=admin_user, target=alice, kind="ban", duration="1d", room=lobby)
    client.force_login(staff_with("view_sanction", "change_sanction"))

    response = act(client, SANCTIONS, "lift_selected", [ban])

    assert any("may not lift" in notice for notice in notices(response))
    ban.refresh_from_db()
    assert ban.is_active


def test_the_admin_cannot_ban_themselves(admin_client, admin_user):
    response = add_sanction(admin_client, user=admin_user.pk)

    assert response.status_code == 200
    assert "cannot mute or ban yourself" in response.content.decode()
    assert not Sanction.objects.exists()


def test_the_sanction_list_says_where_until_when_and_filters_by_state(
    admin_client, admin_user, alice, bob, carol, lobby
):
    forever = sanction_give(actor=admin_user, target=alice, kind="ban", duration="forever")
    ended = Sanction.objects.create(
        kind="mute", user=bob, room=lobby, expires=timezone.now() - timedelta(minutes=1)
    )
    lifted = Sanction.objects.create(kind="mute", user=carol, lifted_at=timezone.now())

    page = admin_client.get(SANCTIONS).content.decode()
    assert "whole site" in page and "for good" in page and "Lobby" in page

    def state(value) -> list:
        return shown(admin_client.get(SANCTIONS, {"state": value}))

    assert state("active") == [forever]
    assert state("ended") == [ended]
    assert state("lifted") == [lifted]
    assert [s.user for s in shown(admin_client.get(SANCTIONS, {"q": "bob"}))] == [bob]


def test_a_saved_ban_is_shown_read_only_without_its_device_keys(admin_client, alice):
    ban = Sanction.objects.create(
        kind="ban", user=alice, browser_key="b" * 64, address_key="a" * 64, reason="spam"
    )

    response = admin_client.get(f"{SANCTIONS}{ban.pk}/change/")
    page = response.content.decode()

    assert response.status_code == 200 and "spam" in page
    assert "b" * 64 not in page and "a" * 64 not in page
    assert 'name="_save"' not in page and 'name="reason"' not in page
    admin_client.post(f"{SANCTIONS}{ban.pk}/change/", {"kind": "mute", "reason": "edited"})
    ban.refresh_from_db()
    assert ban.kind == "ban" and ban.reason == "spam"


# Reports --------------------------------------------------------------------------------


@pytest.fixture
def reported(lobby, alice, bob, carol):
    """Alice's message, reported by Bob and by Carol."""
    message = MessageFactory(room=lobby, author=alice, body="rude words")
    Report.objects.create(message=message, reporter=carol, reason="rude")
    return Report.objects.create(message=message, reporter=bob, reason="rude")


def test_removing_a_reported_message_resolves_every_report_of_it(admin_client, reported):
    act(admin_client, REPORTS, "remove_messages", [reported])

    reported.message.refresh_from_db()
    assert reported.message.deleted_at is not None
    assert set(Report.objects.values_list("resolution", flat=True)) == {Report.DELETED}
    assert shown(admin_client.get(REPORTS, {"resolution": "open"})) == []
    assert len(shown(admin_client.get(REPORTS, {"resolution": "deleted"}))) == 2


def test_banning_reported_authors_for_a_day(admin_client, admin_user, reported, alice, lobby):
    act(admin_client, REPORTS, "ban_authors", [reported])

    ban = Sanction.objects.active().get(user=alice)
    assert ban.kind == "ban" and ban.room == lobby and ban.created_by == admin_user
    assert timedelta(hours=23) < ban.expires - timezone.now() <= timedelta(days=1)


def test_muting_reported_authors_for_an_hour(admin_client, reported, alice):
    act(admin_client, REPORTS, "mute_authors", [reported])

    mute = Sanction.objects.active().get(user=alice)
    assert mute.kind == "mute"
    assert timedelta(minutes=59) < mute.expires - timezone.now() <= timedelta(hours=1)


def test_dismissing_a_report_leaves_the_message(admin_client, reported):
    act(admin_client, REPORTS, "dismiss", [reported])

    reported.refresh_from_db()
    reported.message.refresh_from_db()
    assert reported.resolution == Report.DISMISSED and reported.message.deleted_at is None
    assert not Sanction.objects.exists()


def test_reports_list_the_message_room_and_reporter_and_filter_open(admin_client, reported):
    page = admin_client.get(REPORTS).content.decode()

    assert "rude words" in page and "Lobby" in page and "bob" in page
    assert len(shown(admin_client.get(REPORTS, {"resolution": "open"}))) == 2


# The audit log --------------------------------------------------------------------------


@pytest.fixture
def log(admin_user, alice, bob, lobby, other_room):
    audit_record(actor=admin_user, action=ModerationAction.BAN, room=lobby, target=alice)
    audit_record(actor=admin_user, action=ModerationAction.MUTE, room=other_room, target=bob)
    return audit_record(actor=bob, action=ModerationAction.KICK, room=lobby, target=alice)


def test_the_audit_log_cannot_be_added_changed_or_deleted_even_by_a_superuser(admin_client, log):
    entry_url = f"{LOG}{log.pk}/"

    assert admin_client.get(f"{LOG}add/").status_code == 403
    assert admin_client.get(f"{entry_url}delete/").status_code == 403
    assert admin_client.post(f"{entry_url}delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"{entry_url}change/", {"reason": "edited"}).status_code == 403
    detail = admin_client.get(f"{entry_url}change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    changelist = admin_client.get(LOG)
    assert "delete_selected" not in changelist.content.decode()
    assert ModerationAction.objects.filter(pk=log.pk, reason="").exists()
    assert ModerationAction.objects.count() == 3


def test_the_audit_log_lists_entries_with_filters_and_search(admin_client, log, lobby):
    def actions(**query) -> list[str]:
        return sorted(entry.action for entry in shown(admin_client.get(LOG, query)))

    assert actions() == ["ban", "kick", "mute"]
    assert actions(action__exact="mute") == ["mute"]
    assert actions(room__id__exact=lobby.pk) == ["ban", "kick"]
    assert actions(q="bob") == ["kick", "mute"]  # who did it, or to whom
    assert admin_client.get(LOG).context["cl"].date_hierarchy == "created"


# Rooms, the word filter, the site -------------------------------------------------------


def room_form(room: Room, **changes) -> dict:
    data = {
        "title": room.title,
        "slug": room.slug,
        "creator": room.creator_id or "",
        "moderators": ",".join(str(pk) for pk in room.moderators.values_list("pk", flat=True)),
        "slow_mode_seconds": room.slow_mode_seconds,
        "_save": "Save",
    }
    if room.read_only:
        data["read_only"] = "on"
    if room.guests_read_only:
        data["guests_read_only"] = "on"
    return {**data, **changes}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("layer")
async def test_changing_a_rooms_slow_mode_in_the_admin_tells_its_open_pages(
    admin_client, admin_user, alice, lobby
):
    page, _ = await joined(alice)
    data = await sync_to_async(room_form)(lobby, slow_mode_seconds=30)

    response = await sync_to_async(admin_client.post)(f"/admin/chat/room/{lobby.pk}/change/", data)

    assert response.status_code == 302
    rules = await next_of_type(page, "room.rules")
    assert rules["rules"]["slow_mode_seconds"] == 30
    entry = await ModerationAction.objects.aget(action=ModerationAction.RULES)
    assert entry.actor_id == admin_user.pk and entry.room_id == lobby.pk
    await page.disconnect()


def test_a_room_change_without_new_rules_writes_no_rules_entry(admin_client, lobby):
    admin_client.post(f"/admin/chat/room/{lobby.pk}/change/", room_form(lobby, title="Hall"))

    lobby.refresh_from_db()
    assert lobby.title == "Hall"
    assert not ModerationAction.objects.filter(action=ModerationAction.RULES).exists()


def test_slow_mode_is_bounded_as_on_the_page(admin_client, lobby):
    response = admin_client.post(
        f"/admin/chat/room/{lobby.pk}/change/", room_form(lobby, slow_mode_seconds=99999)
    )

    assert response.status_code == 200 and "At most 3600 seconds" in response.content.decode()
    lobby.refresh_from_db()
    assert lobby.slow_mode_seconds == 0


def test_naming_and_removing_moderators_in_the_admin_goes_to_the_audit_log(
    admin_client, admin_user, alice, bob, lobby
):
    lobby.moderators.add(bob)

    admin_client.post(
        f"/admin/chat/room/{lobby.pk}/change/", room_form(lobby, moderators=str(alice.pk))
    )

    assert list(lobby.moderators.all()) == [alice]
    entries = ModerationAction.objects.filter(actor=admin_user, room=lobby)
    assert {(e.action, e.target) for e in entries} == {
        (ModerationAction.MODERATOR_ADD, alice),
        (ModerationAction.MODERATOR_REMOVE, bob),
    }


def test_the_word_filter_says_every_room_for_site_wide_entries(admin_client, lobby):
    WordFilter.objects.create(pattern="casino", action=WordFilter.HOLD)
    WordFilter.objects.create(pattern="spoiler", room=lobby, action=WordFilter.MASK)

    response = admin_client.get("/admin/chat/wordfilter/")
    page = response.content.decode()

    assert "casino" in page and "every room" in page and "Lobby" in page
    held = shown(admin_client.get("/admin/chat/wordfilter/", {"action__exact": "hold"}))
    assert [entry.pattern for entry in held] == ["casino"]


def test_the_admin_is_titled_chat_administration(admin_client):
    page = admin_client.get("/admin/").content.decode()

    # "Chat room": the default CHAT_SITE_NAME (tests/test_site_name.py).
    assert "| Chat room administration</title>" in page
    assert "Chat room administration</a>" in page
