"""The audit log: every moderation action, written in the action's own transaction."""

from chat.models import ModerationAction


def audit_record(
    *,
    actor,
    action: str,
    room=None,
    target=None,
    message=None,
    reason: str = "",
    expires=None,
    detail: dict | None = None,
) -> ModerationAction:
    return ModerationAction.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        room=room,
        target=target,
        message=message,
        reason=reason,
        expires=expires,
        detail=detail or {},
    )
