"""What the page's moderation panel and person card show (reads only)."""

from chat.models import Block, ModerationAction, Room, Sanction
from chat.moderation.held import messages_held
from chat.moderation.reports import reports_open
from chat.moderation.roles import can_moderate, can_name_moderators, is_protected, may_act_on
from chat.payloads import message_payload, timestamp, user_payload

LOG_SHOWN = 50


def sanction_payload(sanction: Sanction) -> dict:
    return {
        "id": sanction.pk,
        "kind": sanction.kind,
        "user": user_payload(sanction.user),
        "room": sanction.room.slug if sanction.room_id else None,
        "reason": sanction.reason,
        "created": timestamp(sanction.created),
        "until": timestamp(sanction.expires) if sanction.expires else None,
    }


def _entry_payload(entry: ModerationAction) -> dict:
    return {
        "id": entry.pk,
        "created": timestamp(entry.created),
        "actor": entry.actor.get_username() if entry.actor else None,
        "action": entry.action,
        "action_display": str(entry.get_action_display()),
        "target": entry.target.get_username() if entry.target else None,
        "reason": entry.reason,
        "until": timestamp(entry.expires) if entry.expires else None,
    }


def moderation_panel(*, room: Room) -> dict:
    """Open reports, held messages, active mutes and bans, and the room's recent log."""
    open_reports = [
        {
            "id": report.pk,
            "message": message_payload(report.message),
            "reporter": user_payload(report.reporter),
            "reason": report.reason,
            "created": timestamp(report.created),
        }
        for report in reports_open(room=room)
    ]
    active = (
        Sanction.objects.active()
        .applying_to(room=room)
        .select_related("user__profile", "room")
        .order_by("-created")
    )
    log = ModerationAction.objects.filter(room=room).select_related("actor", "target")
    return {
        "reports": open_reports,
        "held": [message_payload(message) for message in messages_held(room=room)],
        "sanctions": [sanction_payload(sanction) for sanction in active],
        "log": [_entry_payload(entry) for entry in log[:LOG_SHOWN]],
    }


def person_card(*, viewer, target, room: Room) -> dict:
    """A person as the online list's card shows them; to moderators, what they may do."""
    card = {
        "user": user_payload(target),
        "joined": timestamp(target.date_joined),
        "guest": bool(getattr(getattr(target, "profile", None), "is_guest", True)),
        "moderator": can_moderate(user=target, room=room),
        "can_moderate": False,
        # Whether the viewer may make this person a moderator of the room, or stop them being
        # one (only those named for the room: owners and site staff moderate anyway).
        "can_name_moderator": (
            viewer.pk != target.pk
            and can_name_moderators(user=viewer, room=room)
            and not is_protected(target=target, room=room)
        ),
        "named_moderator": room.moderators.filter(pk=target.pk).exists(),
        # For "Message privately" and "Block": whether the viewer blocks this person.
        "blocked": Block.objects.filter(user=viewer, blocked=target).exists(),
    }
    if can_moderate(user=viewer, room=room) and viewer.pk != target.pk:
        site = can_moderate(user=viewer, room=None)
        card["can_moderate"] = may_act_on(actor=viewer, target=target, room=room)
        card["can_moderate_site"] = site
        active = Sanction.objects.active().applying_to(room=room).filter(user=target)
        card["sanctions"] = [sanction_payload(s) for s in active.select_related("user", "room")]
    return card
