"""The page's moderation endpoints: JSON over HTTP, with the session and CSRF
(docs/protocol.md, "Moderation over HTTP"). Each parses, checks the room, and calls one
function of chat/moderation/; the rules about who may act live there."""

from django.contrib.auth import get_user_model
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chat.messaging import edits
from chat.models import Message, Report, Room, Sanction
from chat.moderation import deletion, held, moderators, reports, rules, sanctions
from chat.moderation.errors import InvalidModeration, NotAllowed
from chat.moderation.panel import moderation_panel, person_card
from chat.moderation.roles import can_moderate
from chat.web.json_endpoints import (
    endpoint,
    json_fields,
    json_flag,
    json_flag_given,
    json_reason,
)

User = get_user_model()


def _message(room: Room, message_id: int) -> Message:
    return get_object_or_404(
        Message.objects.select_related("room", "author"), pk=message_id, room=room
    )


def _scope(room: Room, data: dict) -> Room | None:
    """The room, or the whole site when the request says ``"site": true``."""
    return None if json_flag(data, "site") else room


@require_POST
@endpoint
def message_delete(request, room, message_id):
    deletion.message_delete(
        actor=request.user,
        message=_message(room, message_id),
        reason=json_reason(json_fields(request)),
    )


@require_GET
@endpoint
def message_revisions(request, room, message_id):
    """A message's earlier versions, for the room's moderators."""
    revisions = edits.message_revisions(actor=request.user, room=room, message_id=message_id)
    return JsonResponse({"ok": True, "revisions": revisions})


@require_POST
@endpoint
def message_report(request, room, message_id):
    message = _message(room, message_id)
    if message.held or message.deleted_at is not None:
        raise Http404
    report = reports.report_create(
        reporter=request.user, message=message, reason=json_reason(json_fields(request))
    )
    return JsonResponse({"ok": True, "report": report.pk})


@require_GET
@endpoint
def person(request, room, user_id):
    target = get_object_or_404(User.objects.select_related("profile"), pk=user_id)
    return JsonResponse(person_card(viewer=request.user, target=target, room=room))


@require_POST
@endpoint
def person_kick(request, room, user_id):
    target = get_object_or_404(User, pk=user_id)
    sanctions.user_kick(
        actor=request.user, target=target, room=room, reason=json_reason(json_fields(request))
    )


def _sanction(request, room, user_id, kind):
    data = json_fields(request)
    sanction = sanctions.sanction_give(
        actor=request.user,
        target=get_object_or_404(User, pk=user_id),
        kind=kind,
        duration=str(data.get("duration", "")),
        room=_scope(room, data),
        reason=json_reason(data),
    )
    return JsonResponse({"ok": True, "sanction": sanction.pk})


@require_POST
@endpoint
def person_mute(request, room, user_id):
    return _sanction(request, room, user_id, Sanction.MUTE)


@require_POST
@endpoint
def person_ban(request, room, user_id):
    return _sanction(request, room, user_id, Sanction.BAN)


@require_POST
@endpoint
def person_moderator(request, room, user_id):
    """The room's owner (or site staff) names a moderator of the room, or un-names one."""
    data = json_fields(request)
    moderator = json_flag_given(data, "moderator")
    moderators.room_moderator_set(
        actor=request.user, room=room, user=get_object_or_404(User, pk=user_id), moderator=moderator
    )


@require_POST
@endpoint
def person_remove_messages(request, room, user_id):
    data = json_fields(request)
    count = deletion.messages_remove_recent(
        actor=request.user,
        target=get_object_or_404(User, pk=user_id),
        room=_scope(room, data),
        since=str(data.get("since", "")),
        reason=json_reason(data),
    )
    return JsonResponse({"ok": True, "count": count})


@require_POST
@endpoint
def room_rules(request, room):
    data = json_fields(request)
    slow = data.get("slow_mode_seconds")
    if slow is not None:
        try:
            slow = int(slow)
        except (TypeError, ValueError) as error:
            raise InvalidModeration(_("Slow mode is a number of seconds.")) from error
    rules.room_rules_set(
        actor=request.user,
        room=room,
        slow_mode_seconds=slow,
        read_only=json_flag(data, "read_only"),
        guests_read_only=json_flag(data, "guests_read_only"),
        guest_images=json_flag(data, "guest_images"),
    )


@require_GET
@endpoint
def panel(request, room):
    if not can_moderate(user=request.user, room=room):
        raise NotAllowed()
    return JsonResponse(moderation_panel(room=room))


@require_POST
@endpoint
def report_resolve(request, room, report_id):
    data = json_fields(request)
    report = get_object_or_404(
        Report.objects.select_related("message__room"), pk=report_id, message__room=room
    )
    reports.report_resolve(
        actor=request.user,
        report=report,
        resolution=str(data.get("resolution", "")),
        duration=str(data.get("duration", "1h")),
        reason=json_reason(data),
    )


@require_POST
@endpoint
def held_approve(request, room, message_id):
    held.held_approve(actor=request.user, message=_message(room, message_id))


@require_POST
@endpoint
def held_drop(request, room, message_id):
    held.held_drop(
        actor=request.user,
        message=_message(room, message_id),
        reason=json_reason(json_fields(request)),
    )


@require_POST
@endpoint
def sanction_lift(request, room, sanction_id):
    sanction = get_object_or_404(Sanction.objects.select_related("room", "user"), pk=sanction_id)
    if sanction.room_id not in (None, room.pk):
        raise Http404
    sanctions.sanction_lift(actor=request.user, sanction=sanction)
