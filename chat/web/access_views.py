"""The page's endpoints for private rooms, direct conversations, blocking, invitations and
the reader's own room list (docs/protocol.md, "Private rooms and direct messages"). JSON
with the session and CSRF, as the moderation endpoints are; the rules live in chat/access/
and chat/attention/."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat.access import direct, private
from chat.access.errors import InvalidAccessChange, InviteInvalid
from chat.access.lists import member_list, reader_rooms
from chat.attention.reading import notifications_mute_set
from chat.models import RoomInvite
from chat.payloads import timestamp
from chat.web.json_endpoints import endpoint, json_fields, json_flag_given, user_endpoint

User = get_user_model()


def _room_url(room) -> str:
    return reverse("room-detail", kwargs={"slug": room.slug})


def _person(user_id: int):
    return get_object_or_404(User.objects.select_related("profile"), pk=user_id, is_active=True)


@require_POST
@user_endpoint
def direct_open(request, user_id):
    """ "Message privately": the conversation with that person, made the first time."""
    room = direct.direct_room_open(user=request.user, other=_person(user_id))
    return JsonResponse({"ok": True, "slug": room.slug, "url": _room_url(room)})


@require_POST
@user_endpoint
def person_block(request, user_id):
    blocked = json_flag_given(json_fields(request), "blocked")
    direct.block_set(user=request.user, target=_person(user_id), blocked=blocked)
    return JsonResponse({"ok": True, "blocked": blocked})


@require_GET
@user_endpoint
def my_rooms(request):
    """The reader's conversations and rooms, newest activity first, with unread counts."""
    return JsonResponse({"rooms": reader_rooms(user=request.user)})


@require_POST
@endpoint
def room_notifications(request, room):
    muted = json_flag_given(json_fields(request), "muted")
    notifications_mute_set(user=request.user, room=room, muted=muted)
    return JsonResponse({"ok": True, "muted": muted})


@require_POST
@endpoint
def room_privacy(request, room):
    private_now = json_flag_given(json_fields(request), "private")
    private.room_privacy_set(actor=request.user, room=room, private=private_now)
    return JsonResponse({"ok": True, "kind": room.kind})


@require_http_methods(["GET", "POST"])
@endpoint
def room_members(request, room):
    """GET: who is in the room (its managers only). POST ``{"name": …}``: let someone in."""
    if request.method == "POST":
        name = json_fields(request).get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidAccessChange(_("Give the person's name."))
        user = User.objects.filter(username__iexact=name.strip(), is_active=True).first()
        if user is None:
            raise Http404
        private.room_member_add(actor=request.user, room=room, user=user)
    return JsonResponse({"ok": True, **member_list(actor=request.user, room=room)})


@require_POST
@endpoint
def room_member_remove(request, room, user_id):
    private.room_member_remove(
        actor=request.user, room=room, user=get_object_or_404(User, pk=user_id)
    )


@require_POST
@endpoint
def invite_create(request, room):
    duration = json_fields(request).get("duration", "1d")
    invite = private.invite_create(actor=request.user, room=room, duration=duration)
    url = request.build_absolute_uri(reverse("invite", kwargs={"token": invite.token}))
    return JsonResponse(
        {"ok": True, "id": invite.pk, "url": url, "expires": timestamp(invite.expires)}
    )


@require_POST
@endpoint
def invite_revoke(request, room, invite_id):
    invite = get_object_or_404(RoomInvite, pk=invite_id, room=room)
    private.invite_revoke(actor=request.user, invite=invite)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, token):
    """An invitation link: a page naming the room, whose button lets the reader in."""
    found = RoomInvite.objects.select_related("room").filter(token=token).first()
    valid = found is not None and found.is_valid()
    if request.method == "POST" and valid:
        try:
            room = private.invite_accept(user=request.user, token=token)
        except InviteInvalid:
            valid = False
        else:
            return redirect("room-detail", slug=room.slug)
    status = 200 if valid else 410
    context = {"invite": found if valid else None, "error": None if valid else InviteInvalid.detail}
    return render(request, "chat/invite.html", context, status=status)
