from urllib.parse import urlsplit

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chat import identity, limits, proof_of_work, services
from chat.access.rules import room_readable, rooms_listed
from chat.errors import NicknameTaken, TooManyGuests, TooManyRooms, wait_text
from chat.models import Room
from chat.moderation import devices
from chat.moderation.errors import Banned
from chat.moderation.sanctions import ban_check
from chat.presence.tracker import presence_store
from chat.web.browsers import browser_id, browser_remember
from chat.web.forms import GuestJoinForm, GuestUpgradeForm, RoomCreateForm, SignupForm
from chat.web.json_endpoints import too_many


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def room_list(request):
    rooms = list(rooms_listed(user=request.user))
    viewer = request.user.pk if request.user.is_authenticated else None
    counts = async_to_sync(others_online)(rooms=[room.slug for room in rooms], viewer_id=viewer)
    for room in rooms:
        room.online_count = counts[room.slug]
    return render(request, "chat/room_list.html", {"rooms": rooms, "form": RoomCreateForm()})


async def others_online(*, rooms: list[str], viewer_id: int | None) -> dict[str, int]:
    """How many people are online in each room, the viewer left out.

    Whoever reads the list is, in that tab, in no room; and the room page they came from has
    not closed its socket yet: the browser closes it once this page's answer has arrived, so
    presence still counts them there for a moment. Someone who also has the room open in
    another tab is left out too; they know they are there.
    """
    store = presence_store()
    counts = await store.counts(rooms=rooms)
    if viewer_id is None or not await store.is_online(user_id=viewer_id):
        return counts
    for room in rooms:
        if counts[room] and any(
            entry.user["id"] == viewer_id for entry in await store.online(room=room)
        ):
            counts[room] -= 1
    return counts


def _room_list_again(request, form):
    context = {"rooms": rooms_listed(user=request.user), "form": form}
    return render(request, "chat/room_list.html", context)


@login_required
@require_POST
def room_create(request):
    form = RoomCreateForm(request.POST)
    if not form.is_valid():
        return _room_list_again(request, form)
    try:
        room = services.room_create(
            creator=request.user, title=form.cleaned_data["title"], slug=form.cleaned_data["slug"]
        )
    except IntegrityError:
        form.add_error("slug", _("A room with this address exists already."))
        return _room_list_again(request, form)
    except TooManyRooms as error:
        form.add_error(None, error.detail)
        return too_many(
            _room_list_again(request, form),
            error,
        )
    return redirect("room-detail", slug=room.slug)


def room_detail(request, slug):
    room = get_object_or_404(Room, slug=slug)  # a missing room is a 404 before any login
    if not request.user.is_authenticated:
        if not room.is_public:
            raise Http404  # nor does a private room's address say that it exists
        return redirect_to_login(request.get_full_path())
    if not room_readable(user=request.user, room=room):
        raise Http404
    return render(
        request,
        "chat/room_detail.html",
        {"room": room, "message_max_length": settings.CHAT_MESSAGE_MAX_LENGTH},
    )


def guest_join(request):
    next_url = _next_url(request, default="/chat/lobby/")
    form = GuestJoinForm(request.POST or None)
    browser = browser_id(request)
    refused = None
    banned = False
    if request.method == "POST" and form.is_valid():
        try:
            guest_ban_check(request, browser=browser, next_url=next_url)
            limits.guest_allowance_take(address=request.META.get("REMOTE_ADDR"), browser=browser)
            user = identity.guest_create(
                nickname=form.cleaned_data["nickname"], avatar=form.cleaned_data["avatar"]
            )
        except TooManyGuests as error:
            form.add_error(None, error.detail)
            refused = error
        except Banned as error:
            form.add_error(None, error.detail)
            banned = True
        except NicknameTaken as error:
            form.add_error("nickname", error.detail)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return browser_remember(redirect(next_url), browser)
    response = render(request, "chat/join.html", {"form": form, "next": next_url})
    if banned:
        response.status_code = 403
    return browser_remember(too_many(response, refused) if refused else response, browser)


def guest_ban_check(request, *, browser: str, next_url: str) -> None:
    """Banned when a ban holds this browser or address site-wide, or in the room the guest
    is about to enter: a banned visitor cannot come back as someone new."""
    room = None
    match = resolve_or_none(next_url)
    if match is not None and match.url_name == "room-detail":
        room = Room.objects.filter(slug=match.kwargs["slug"]).first()
    ban_check(
        room=room,
        browser_key=devices.browser_key(browser),
        address_key=devices.address_key(request.META.get("REMOTE_ADDR")),
    )


def resolve_or_none(url: str):
    try:
        return resolve(urlsplit(url).path)
    except Resolver404:
        return None


@never_cache
@require_GET
def guest_challenge(request):
    """A proof-of-work challenge for the guest form's widget (CHAT_GUEST_PROOF_OF_WORK)."""
    if not settings.CHAT_GUEST_PROOF_OF_WORK:
        raise Http404
    return JsonResponse(proof_of_work.challenge_create())


def login_locked_out(request, *args):
    """django-axes' answer to a login of a locked name from this address (AXES_LOCKOUT_CALLABLE;
    axes passes the original response and the credentials, or under ASGI only the latter)."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "username": request.POST.get("username", ""),  # both login forms' field
        "failures": settings.AXES_FAILURE_LIMIT,
        # The whole cool-off: the lock began at the last counted failure, no later than now.
        "wait": wait_text(cool_off.total_seconds()),
    }
    response = render(request, "registration/locked_out.html", context)
    response.status_code = 429
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = identity.account_create(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                avatar=form.cleaned_data["avatar"],
            )
        except NicknameTaken as error:  # a look-alike signed up since the form's check
            form.add_error("username", error.detail)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request, default="/"))
    return render(request, "registration/signup.html", {"form": form})


@login_required
def guest_upgrade(request):
    if not request.user.profile.is_guest:
        return redirect("room-list")
    form = GuestUpgradeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        identity.guest_upgrade(user=request.user, password=form.cleaned_data["new_password1"])
        # Changing the password ends other sessions; keep this one signed in.
        update_session_auth_hash(request, request.user)
        messages.success(
            request, _("Your account now has a password. Your name and messages stay yours.")
        )
        return redirect("room-list")
    return render(request, "registration/upgrade.html", {"form": form})
