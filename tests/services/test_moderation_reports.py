"""Reporting a message (once per person) and resolving the report: delete the message,
mute or ban its author in the room, or dismiss; every open report of the message with it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from chat.models import Message, ModerationAction, Report, Sanction
from chat.moderation.deletion import message_delete
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.reports import report_create, report_resolve
from chat.moderation.sanctions import ban_active, mute_active
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def room(owner):
    return RoomFactory(slug="room-a", creator=owner)


@pytest.fixture
def author(db):
    return UserFactory(username="author", guest=True)


@pytest.fixture
def message(room, author):
    return MessageFactory(room=room, author=author, body="you are all idiots")


def test_a_report_is_open_and_logged(message, author, room):
    reporter = UserFactory()

    report = report_create(reporter=reporter, message=message, reason="insult")

    assert (report.message, report.reporter, report.reason) == (message, reporter, "insult")
    assert report.resolution == Report.OPEN and report.resolved_at is None
    entry = ModerationAction.objects.get()
    assert entry.action == ModerationAction.REPORT
    assert (entry.actor, entry.target, entry.room, entry.message) == (
        reporter,
        author,
        room,
        message,
    )
    assert entry.reason == "insult"


def test_a_person_reports_a_message_once(message):
    reporter = UserFactory()
    first = report_create(reporter=reporter, message=message, reason="insult")

    again = report_create(reporter=reporter, message=message, reason="really")

    assert again.pk == first.pk and again.reason == "insult"
    assert Report.objects.count() == 1
    assert ModerationAction.objects.count() == 1


def test_two_people_report_a_message_twice(message):
    report_create(reporter=UserFactory(), message=message)
    report_create(reporter=UserFactory(), message=message)

    assert Report.objects.filter(message=message).count() == 2


def test_nobody_reports_a_deleted_message_and_anonymous_visitors_report_nothing(owner, message):
    with pytest.raises(NotAllowed):
        report_create(reporter=AnonymousUser(), message=message)
    message_delete(actor=owner, message=message)

    with pytest.raises(NotAllowed):
        report_create(reporter=UserFactory(), message=message)

    assert not Report.objects.exists()


@pytest.fixture
def reports(message):
    """Two open reports of the message, and one of another message in the room."""
    of_message = [
        report_create(reporter=UserFactory(), message=message, reason="insult"),
        report_create(reporter=UserFactory(), message=message, reason="rude"),
    ]
    elsewhere = report_create(
        reporter=UserFactory(), message=MessageFactory(room=message.room), reason="meh"
    )
    return of_message, elsewhere


def resolved(report_list, resolution, actor):
    for report in report_list:
        report.refresh_from_db()
        assert report.resolution == resolution
        assert report.resolved_by == actor and report.resolved_at is not None


@pytest.mark.parametrize(
    "resolution", [Report.DELETED, Report.MUTED, Report.BANNED, Report.DISMISSED]
)
def test_resolving_a_report_resolves_every_open_report_of_the_message_and_is_logged(
    resolution, owner, reports, message, author, room
):
    (first, second), elsewhere = reports

    report_resolve(actor=owner, report=first, resolution=resolution)

    resolved([first, second], resolution, owner)
    elsewhere.refresh_from_db()
    assert elsewhere.resolution == Report.OPEN
    entry = ModerationAction.objects.get(action=ModerationAction.RESOLVE)
    assert (entry.actor, entry.target, entry.room, entry.message) == (
        owner,
        author,
        room,
        message,
    )
    assert entry.detail["resolution"] == resolution


def test_resolving_as_deleted_deletes_the_message(owner, reports, message):
    (first, _second), _elsewhere = reports

    report_resolve(actor=owner, report=first, resolution=Report.DELETED)

    gone = Message.objects.get(pk=message.pk)
    assert gone.deleted_at is not None and gone.deleted_by == owner
    assert gone.delete_reason == "insult", "the report's reason, when the moderator gives none"
    assert ModerationAction.objects.filter(action=ModerationAction.DELETE).count() == 1
    assert not Sanction.objects.exists()


@pytest.mark.parametrize(
    ("resolution", "kind"), [(Report.MUTED, Sanction.MUTE), (Report.BANNED, Sanction.BAN)]
)
def test_resolving_as_muted_or_banned_sanctions_the_author_in_the_room(
    resolution, kind, owner, reports, message, author, room
):
    (first, _second), _elsewhere = reports

    before = timezone.now()
    report_resolve(
        actor=owner, report=first, resolution=resolution, duration="1d", reason="insults"
    )

    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.user, sanction.room) == (kind, author, room)
    assert sanction.reason == "insults" and sanction.created_by == owner
    assert before + timedelta(days=1) <= sanction.expires <= timezone.now() + timedelta(days=1)
    assert Message.objects.get(pk=message.pk).deleted_at is None
    other_room = RoomFactory()
    if kind == Sanction.MUTE:
        assert mute_active(user=author, room=room) == sanction
        assert mute_active(user=author, room=other_room) is None
    else:
        assert ban_active(room=room, user=author) == sanction
        assert ban_active(room=other_room, user=author) is None


def test_dismissing_leaves_the_message_and_its_author_alone(owner, reports, message, author):
    (first, _second), _elsewhere = reports

    report_resolve(actor=owner, report=first, resolution=Report.DISMISSED)

    assert Message.objects.get(pk=message.pk).deleted_at is None
    assert not Sanction.objects.exists()


def test_an_unknown_resolution_resolves_nothing(owner, reports):
    (first, _second), _elsewhere = reports

    with pytest.raises(InvalidModeration):
        report_resolve(actor=owner, report=first, resolution="shrug")

    assert Report.objects.exclude(resolution=Report.OPEN).count() == 0


def test_only_the_rooms_moderators_resolve_its_reports(reports):
    (first, _second), _elsewhere = reports

    another_rooms_owner = RoomFactory(creator=UserFactory()).creator
    for someone in (UserFactory(), first.reporter, another_rooms_owner):
        with pytest.raises(NotAllowed):
            report_resolve(actor=someone, report=first, resolution=Report.DELETED)

    assert Report.objects.filter(resolution=Report.OPEN).count() == 3
    assert Message.objects.filter(deleted_at__isnull=False).count() == 0
