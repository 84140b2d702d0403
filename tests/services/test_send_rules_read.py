"""The send's screening query, built once per process (chat/infra/compiled.py): it answers as
the ORM's own query would, for every room and author it is run with, and the time it
compares a mute's end with is the database's at each run, not the one it was built at."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from chat.infra.compiled import CompiledQuery
from chat.models import Room, Sanction, WordFilter
from chat.moderation import rules
from chat.moderation.rules import send_rules_read
from tests.factories import RoomFactory, UserFactory


def mute(user, *, room=None, expires=None, lifted=False) -> Sanction:
    return Sanction.objects.create(
        kind=Sanction.MUTE,
        user=user,
        room=room,
        expires=expires,
        lifted_at=timezone.now() if lifted else None,
    )


@pytest.mark.django_db
def test_the_rules_are_read_for_the_room_and_author_asked_about():
    quiet, busy = RoomFactory(), RoomFactory(slow_mode_seconds=30, read_only=True)
    alice, bob = UserFactory(), UserFactory()
    mute(bob, room=busy)
    WordFilter.objects.create(room=busy, pattern="spam")

    assert send_rules_read(room=quiet, author=alice) == {
        "read_only": False,
        "guests_read_only": False,
        "guest_images": False,
        "slow_mode_seconds": 0,
        "muted": False,
        "filtered": False,
    }
    busy_for_bob = send_rules_read(room=busy, author=bob)
    assert (busy_for_bob["read_only"], busy_for_bob["slow_mode_seconds"]) == (True, 30)
    assert busy_for_bob["muted"] is True and busy_for_bob["filtered"] is True
    assert send_rules_read(room=busy, author=alice)["muted"] is False
    assert send_rules_read(room=quiet, author=bob)["muted"] is False, "muted in the other room"


@pytest.mark.django_db
def test_a_site_wide_mute_holds_in_every_room_and_a_site_wide_filter_applies_everywhere():
    room, carol = RoomFactory(), UserFactory()
    mute(carol)
    WordFilter.objects.create(room=None, pattern="spam")

    read = send_rules_read(room=room, author=carol)

    assert (read["muted"], read["filtered"]) == (True, True)


@pytest.mark.django_db
def test_a_mute_that_ended_or_was_lifted_no_longer_holds_though_the_query_was_built_before(
    monkeypatch,
):
    room, dave = RoomFactory(), UserFactory()
    long_ago = timezone.now() - timedelta(days=365)
    monkeypatch.setattr(timezone, "now", lambda: long_ago)  # the time the query is built at
    built_then = CompiledQuery(rules._send_rules_query, "room", "author")
    built_then.rows(room=room.pk, author=dave.pk)
    monkeypatch.undo()

    now = timezone.now()
    ending = mute(dave, room=room, expires=now + timedelta(hours=1))
    assert built_then.rows(room=room.pk, author=dave.pk)[0]["muted"] is True
    Sanction.objects.filter(pk=ending.pk).update(expires=now - timedelta(seconds=1))
    assert built_then.rows(room=room.pk, author=dave.pk)[0]["muted"] is False, "ended since"

    lifted = mute(dave, room=room, lifted=True)
    assert send_rules_read(room=room, author=dave)["muted"] is False
    Sanction.objects.filter(pk=lifted.pk).update(lifted_at=None)
    assert send_rules_read(room=room, author=dave)["muted"] is True


@pytest.mark.django_db
def test_a_room_that_is_gone_is_said_so():
    room, erin = RoomFactory(), UserFactory()
    Room.objects.filter(pk=room.pk).delete()

    with pytest.raises(Room.DoesNotExist):
        send_rules_read(room=room, author=erin)


@pytest.mark.django_db
def test_an_argument_that_is_not_a_plain_parameter_is_refused_when_the_query_is_built():
    shifted = CompiledQuery(lambda *, room: Room.objects.filter(pk=room + 1).values("id"), "room")

    with pytest.raises(ImproperlyConfigured, match="room"):
        shifted.rows(room=1)


@pytest.mark.django_db
def test_columns_come_back_as_the_orm_would_give_them():
    room = RoomFactory(read_only=True)
    flags = CompiledQuery(
        lambda *, room: Room.objects.filter(pk=room).values("read_only", "last_seq"), "room"
    )

    assert flags.rows(room=room.pk) == [{"read_only": True, "last_seq": 0}]
    assert flags.rows(room=room.pk)[0]["read_only"] is True, "a boolean, on SQLite too"
    assert flags.rows(room=-1) == []
