"""The room on another site (docs/embed.md): the embedded page, framed only by the
integration's own origins, and the JSON calls that sign its visitor in.

An embed keeps no cookie of ours (a third-party cookie, which many browsers refuse): each
sign-in answers with a ticket (chat/embed/tickets.py) that the page shows on every request.

No CSRF token on the sign-in calls: they use no cookie, so there is nothing to forge a
request with. ``POST /embed/sign-in/`` takes a host's token, and the Origin check (chat/embed/
sign_in.py) refuses a page that would sign a visitor in as someone else; ``POST
/embed/<slug>/guest/`` makes a new guest, as /join/ does, within the same limits and bans.
"""

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chat.embed.guests import embed_guest_join
from chat.embed.sign_in import embed_sign_in
from chat.embed.theme import embed_theme
from chat.embed.tickets import ticket_issue, ticket_user
from chat.errors import ChatError, TooManyGuests
from chat.models import Integration, Room
from chat.payloads import user_payload
from chat.web.forms import GuestJoinForm
from chat.web.json_endpoints import json_error, json_fields, not_authenticated, too_many

# The token was good, the person may not come in; every other refusal is a 400 (or a 429).
FORBIDDEN = {"banned", "origin_refused", "guests_not_allowed"}
SELF = "'self'"
_NOT_THERE = gettext_lazy(
    "It is not there any more."
)  # the admin's preview of an integration frames it from this site


def _integration(public_id) -> Integration:
    integration = Integration.objects.filter(public_id=str(public_id), active=True).first()
    if integration is None:
        raise Http404
    return integration


def _public_room(slug: str) -> Room:
    # Private rooms and conversations are not put on other sites' pages.
    room = Room.objects.filter(slug=slug, kind=Room.PUBLIC).first()
    if room is None:
        raise Http404
    return room


def _refusal(error: ChatError) -> JsonResponse:
    response = json_error(error)
    if error.code in FORBIDDEN:
        response.status_code = 403
    if isinstance(error, TooManyGuests):
        response = too_many(response, error)
    return response


def _signed_in(user) -> JsonResponse:
    return JsonResponse({"ok": True, "user": user_payload(user), "ticket": ticket_issue(user=user)})


@xframe_options_exempt
@require_GET
def embed_room(request, slug):
    integration = _integration(request.GET.get("integration", ""))
    room = _public_room(slug)
    theme = embed_theme(integration=integration, overrides=request.GET)
    response = render(
        request,
        "chat/embed.html",
        {
            "room": room,
            "integration": integration,
            "theme": theme,
            "message_max_length": settings.CHAT_MESSAGE_MAX_LENGTH,
            "join_form": GuestJoinForm() if integration.guests_without_token else None,
        },
    )
    # Framed only by the integration's own pages (every other page refuses any frame).
    response._csp_replace = {"frame-ancestors": [SELF, *integration.origins]}
    return response


@csrf_exempt
@never_cache
@require_POST
def sign_in(request):
    try:
        user = embed_sign_in(
            token=json_fields(request).get("token", ""),
            origin=request.headers.get("Origin"),
            own_origin=request.build_absolute_uri("/").removesuffix("/"),
            address=request.META.get("REMOTE_ADDR"),
        )
    except ChatError as error:
        return _refusal(error)
    return _signed_in(user)


@csrf_exempt
@never_cache
@require_POST
def guest(request, slug):
    data = json_fields(request)
    try:
        integration = _integration(data.get("integration", ""))
        room = _public_room(slug)
    except Http404:
        return JsonResponse({"error": {"code": "not_found", "detail": _NOT_THERE}}, status=404)
    form = GuestJoinForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        error = {"code": "invalid_field", "field": field, "detail": errors[0]}
        return JsonResponse({"error": error}, status=400)
    try:
        user = embed_guest_join(
            integration=integration,
            room=room,
            nickname=form.cleaned_data["nickname"],
            avatar=form.cleaned_data["avatar"],
            address=request.META.get("REMOTE_ADDR"),
        )
    except ChatError as error:
        return _refusal(error)
    return _signed_in(user)


@never_cache
@require_POST
def ticket_renew(request):
    """A fresh ticket for the one shown (``X-Chat-Ticket``), before it runs out."""
    if not request.user.is_authenticated:
        return not_authenticated()
    return _signed_in(request.user)


@never_cache
@require_POST
@csrf_exempt
def open_full_page(request, slug):
    """The embed's "open the full page" link: a top-level page, where our session cookie is
    first-party, so the ticket's user is logged in there too."""
    room = _public_room(slug)
    user = ticket_user(ticket=request.POST.get("ticket", ""))
    # Only the embed itself, a page of this site, sends this form: another site's page must
    # not log a visitor in as someone of its choosing.
    own = request.headers.get("Origin") == request.build_absolute_uri("/").removesuffix("/")
    if user is not None and own:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(reverse("room-detail", kwargs={"slug": room.slug}))
