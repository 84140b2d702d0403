"""Taking messages back: a deletion is soft (who, when and why stay, moderators still see
it), the spam clean-up removes one person's messages of the last hour, day or ever, and a
purge removes the rows."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from chat import selectors
from chat.models import Message, ModerationAction, Report
from chat.moderation.deletion import message_delete, messages_purge, messages_remove_recent
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.moderators import room_moderator_set
from chat.moderation.reports import report_create
from chat.payloads import message_payload
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="room-a", creator=owner)


@pytest.fixture
def room_b(owner):
    return RoomFactory(slug="room-b", creator=owner)


@pytest.fixture
def staff(db):
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_rooms"))
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def spammer(db):
    return UserFactory(username="spammer", guest=True)


def said(author, room, body: str, *, ago: timedelta = timedelta(0)) -> Message:
    message = MessageFactory(room=room, author=author, body=body)
    if ago:
        Message.objects.filter(pk=message.pk).update(created=timezone.now() - ago)
    return message


def page_ids(room, viewer, *, moderator=False) -> list[int]:
    messages, _more = selectors.messages_page(
        room=room, limit=50, viewer=viewer, moderator=moderator
    )
    return [message.pk for message in messages]


def deleted_ids() -> set[int]:
    return set(Message.objects.filter(deleted_at__isnull=False).values_list("id", flat=True))


def test_a_deleted_message_keeps_its_row_with_who_when_and_why(owner, room, spammer):
    message = said(spammer, room, "buy cheap pills")

    before = timezone.now()
    message_delete(actor=owner, message=message, reason="spam")

    kept = Message.objects.get(pk=message.pk)
    assert kept.body == "buy cheap pills"
    assert kept.deleted_by == owner and kept.delete_reason == "spam"
    assert before <= kept.deleted_at <= timezone.now()
    entry = ModerationAction.objects.get()
    assert entry.action == ModerationAction.DELETE
    assert (entry.actor, entry.target, entry.room, entry.message) == (owner, spammer, room, kept)
    assert entry.reason == "spam"


def test_a_deleted_message_leaves_everyones_page_but_a_moderators(owner, room, spammer):
    reader = UserFactory()
    kept, gone = said(reader, room, "hello"), said(spammer, room, "buy cheap pills")

    message_delete(actor=owner, message=gone)

    for viewer in (None, reader, spammer):
        assert page_ids(room, viewer) == [kept.pk]
    shown, _more = selectors.messages_page(room=room, limit=50, viewer=owner, moderator=True)
    assert [message.pk for message in shown] == [kept.pk, gone.pk]
    assert "deleted" not in message_payload(shown[0])
    assert message_payload(shown[1])["deleted"] is True


def test_deleting_a_deleted_message_changes_nothing(owner, staff, room, spammer):
    message = said(spammer, room, "buy cheap pills")
    message_delete(actor=owner, message=message, reason="spam")
    first = Message.objects.get(pk=message.pk)

    message_delete(actor=staff, message=first, reason="again")

    again = Message.objects.get(pk=message.pk)
    assert (again.deleted_by, again.deleted_at, again.delete_reason) == (
        owner,
        first.deleted_at,
        "spam",
    )
    assert ModerationAction.objects.count() == 1


@pytest.mark.parametrize(
    ("since", "removed"),
    [("1h", {"30 minutes ago"}), ("1d", {"30 minutes ago", "5 hours ago"}), ("all", None)],
)
def test_removing_recent_messages_takes_the_targets_own_within_the_window(
    since, removed, owner, room, room_b, spammer
):
    mine = {
        "30 minutes ago": said(spammer, room, "a", ago=timedelta(minutes=30)),
        "5 hours ago": said(spammer, room, "b", ago=timedelta(hours=5)),
        "3 days ago": said(spammer, room, "c", ago=timedelta(days=3)),
    }
    others = [
        said(UserFactory(), room, "someone else, just now"),
        said(spammer, room_b, "another room, just now"),
    ]
    removed = set(mine) if removed is None else removed

    count = messages_remove_recent(
        actor=owner, target=spammer, room=room, since=since, reason="spam"
    )

    assert count == len(removed)
    assert deleted_ids() == {mine[when].pk for when in removed}
    assert not deleted_ids() & {message.pk for message in others}
    entry = ModerationAction.objects.get()
    assert entry.action == ModerationAction.REMOVE_RECENT
    assert (entry.actor, entry.target, entry.room, entry.reason) == (owner, spammer, room, "spam")
    assert entry.detail == {"since": since, "count": count}


def test_removed_messages_are_soft_deleted_by_the_moderator(owner, room, spammer):
    message = said(spammer, room, "a")

    messages_remove_recent(actor=owner, target=spammer, room=room, since="1h", reason="spam")

    gone = Message.objects.get(pk=message.pk)
    assert (gone.deleted_by, gone.delete_reason) == (owner, "spam")
    assert gone.deleted_at is not None
    assert page_ids(room, UserFactory()) == []


def test_messages_deleted_before_are_not_counted_again(owner, room, spammer):
    first, _second = said(spammer, room, "a"), said(spammer, room, "b")
    message_delete(actor=owner, message=first, reason="one")

    count = messages_remove_recent(actor=owner, target=spammer, room=room, since="all")

    assert count == 1
    assert Message.objects.get(pk=first.pk).delete_reason == "one"


def test_site_staff_remove_recent_messages_in_every_room(staff, room, room_b, spammer):
    messages = [said(spammer, room, "a"), said(spammer, room_b, "b")]

    count = messages_remove_recent(actor=staff, target=spammer, room=None, since="1d")

    assert count == 2
    assert deleted_ids() == {message.pk for message in messages}
    assert ModerationAction.objects.get().room is None


def test_a_room_moderator_cannot_remove_messages_site_wide(owner, room, room_b, spammer):
    helper = UserFactory()
    room_moderator_set(actor=owner, room=room, user=helper, moderator=True)
    said(spammer, room, "a")
    said(spammer, room_b, "b")

    for actor in (owner, helper):
        with pytest.raises(NotAllowed):
            messages_remove_recent(actor=actor, target=spammer, room=None, since="all")

    assert deleted_ids() == set()


def test_an_unknown_window_is_refused(owner, room, spammer):
    said(spammer, room, "a")

    with pytest.raises(InvalidModeration):
        messages_remove_recent(actor=owner, target=spammer, room=room, since="1w")

    assert deleted_ids() == set()


def test_a_purge_removes_the_rows_and_keeps_the_log(owner, room, spammer):
    gone, kept = said(spammer, room, "a"), said(spammer, room, "b")
    report_create(reporter=UserFactory(), message=gone, reason="spam")
    message_delete(actor=owner, message=gone)

    count = messages_purge(messages=Message.objects.filter(pk=gone.pk))

    assert count == 1
    assert list(Message.objects.values_list("id", flat=True)) == [kept.pk]
    assert not Report.objects.exists()
    deletion = ModerationAction.objects.get(action=ModerationAction.DELETE)
    assert deletion.message is None and deletion.target == spammer


def test_an_author_deletes_their_own_message_without_moderating_and_the_log_says_so(room):
    author = UserFactory(username="writer")
    message = MessageFactory(room=room, author=author)

    message_delete(actor=author, message=message)

    message.refresh_from_db()
    assert message.deleted_at is not None and message.deleted_by == author
    entry = ModerationAction.objects.get(message=message)
    assert (entry.action, entry.actor) == (ModerationAction.DELETE_OWN, author)
    assert [m.pk for m in selectors.messages_page(room=room, limit=10)[0]] == []


def test_nobody_else_deletes_without_moderating(room):
    message = MessageFactory(room=room)
    with pytest.raises(NotAllowed):
        message_delete(actor=UserFactory(), message=message)
    message.refresh_from_db()
    assert message.deleted_at is None


def test_an_author_cannot_drop_their_own_held_message_through_review(room):
    from chat.moderation.held import held_drop

    author = UserFactory(username="writer")
    message = MessageFactory(room=room, author=author, held=True)
    with pytest.raises(NotAllowed):
        held_drop(actor=author, message=message)
