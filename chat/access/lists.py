"""What the reader's room list and a room's member list show."""

from django.db.models import OuterRef, Q, Subquery

from chat.access.rules import rooms_readable
from chat.attention.reading import unread_counts
from chat.models import Message, ReadPosition, RoomMember
from chat.moderation.roles import can_moderate
from chat.payloads import timestamp, user_payload


def reader_rooms(*, user) -> list[dict]:
    """The rooms ``user`` reads: their direct conversations and private rooms, and the public
    rooms they have opened (those have a read position), newest activity first, each with
    its unread count and how many of those mention them."""
    visited = ReadPosition.objects.filter(user=user).values("room")
    member = RoomMember.objects.filter(user=user).values("room")
    newest = Message.objects.filter(room=OuterRef("pk")).visible().order_by("-id")
    rooms = list(
        rooms_readable(user=user)
        .filter(Q(pk__in=visited) | Q(pk__in=member))
        .annotate(last_activity=Subquery(newest.values("created")[:1]))
    )
    counts = unread_counts(user=user, rooms=rooms)
    muted = set(
        ReadPosition.objects.filter(user=user, notifications_muted=True).values_list(
            "room", flat=True
        )
    )
    partners = _partners(user=user, rooms=[room for room in rooms if room.is_direct])
    listed = []
    for room in rooms:
        partner = partners.get(room.pk)
        listed.append(
            {
                "slug": room.slug,
                "title": partner.get_username() if partner else room.title,
                "kind": room.kind,
                "partner": user_payload(partner) if partner else None,
                "last_activity": timestamp(room.last_activity or room.created),
                "notifications_muted": room.pk in muted,
                **counts[room.pk],
            }
        )
    listed.sort(key=lambda entry: entry["last_activity"], reverse=True)
    return listed


def _partners(*, user, rooms) -> dict:
    members = RoomMember.objects.filter(room__in=rooms).exclude(user=user)
    return {member.room_id: member.user for member in members.select_related("user__profile")}


def member_list(*, actor, room) -> dict:
    """A private room's members, for those who manage it (others see only the count)."""
    members = RoomMember.objects.filter(room=room).select_related("user__profile")
    if not can_moderate(user=actor, room=room):
        return {"count": members.count()}
    return {
        "count": len(listed := list(members)),
        "members": [
            {**user_payload(member.user), "owner": member.user_id == room.creator_id}
            for member in listed
        ],
        "invites": [
            {"id": invite.pk, "expires": timestamp(invite.expires), "uses": invite.uses}
            for invite in room.invites.filter(revoked_at__isnull=True)
            if invite.is_valid()
        ],
    }
