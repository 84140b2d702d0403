"""Reporting a message, and the room's moderators resolving the report."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from chat.models import Message, ModerationAction, Report, Room, Sanction
from chat.moderation.audit import audit_record
from chat.moderation.deletion import message_delete
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.roles import can_moderate
from chat.moderation.sanctions import sanction_give

RESOLUTIONS = {Report.DELETED, Report.MUTED, Report.BANNED, Report.DISMISSED}


def report_create(*, reporter, message: Message, reason: str = "") -> Report:
    """Anyone who can see a message may report it, once."""
    if not reporter.is_authenticated or message.deleted_at is not None:
        raise NotAllowed()
    try:
        with transaction.atomic():
            report = Report.objects.create(message=message, reporter=reporter, reason=reason)
            audit_record(
                actor=reporter,
                action=ModerationAction.REPORT,
                room=message.room,
                target=message.author,
                message=message,
                reason=reason,
            )
    except IntegrityError:
        return Report.objects.get(message=message, reporter=reporter)
    return report


def reports_open(*, room: Room):
    return (
        Report.objects.filter(message__room=room, resolution=Report.OPEN)
        .select_related(
            "message__author__profile",
            "reporter",
            "message__room",
            "message__reply_to__author__profile",
            "message__image",
        )
        .prefetch_related("message__reactions__user", "message__mentions__user")
        .order_by("created", "id")
    )


def report_resolve(
    *, actor, report: Report, resolution: str, duration: str = "1h", reason: str = ""
) -> Report:
    """Delete the message, mute or ban its author, or dismiss: every open report of that
    message is resolved with it."""
    message = report.message
    if not can_moderate(user=actor, room=message.room):
        raise NotAllowed()
    if resolution not in RESOLUTIONS:
        raise InvalidModeration()
    reason = reason or report.reason
    with transaction.atomic():
        if resolution == Report.DELETED:
            message_delete(actor=actor, message=message, reason=reason)
        elif resolution in (Report.MUTED, Report.BANNED):
            kind = Sanction.MUTE if resolution == Report.MUTED else Sanction.BAN
            sanction_give(
                actor=actor,
                target=message.author,
                kind=kind,
                duration=duration,
                room=message.room,
                reason=reason,
            )
        Report.objects.filter(message=message, resolution=Report.OPEN).update(
            resolution=resolution, resolved_at=timezone.now(), resolved_by=actor
        )
        audit_record(
            actor=actor,
            action=ModerationAction.RESOLVE,
            room=message.room,
            target=message.author,
            message=message,
            reason=reason,
            detail={"resolution": resolution, "report": report.pk},
        )
    report.refresh_from_db()
    return report
