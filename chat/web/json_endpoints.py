"""What the page's JSON endpoints share (docs/protocol.md, "Moderation over HTTP"): the
session (401 without one), the room from the URL (404 when the user may not read it),
fields from a JSON object or a form, refusals as JSON errors with their codes."""

import json
import math
from functools import wraps

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from chat.access.rules import room_for_reader
from chat.errors import ChatError, RateLimited
from chat.moderation.errors import InvalidModeration

REASON_MAX_LENGTH = 200
STATUS = {
    "forbidden": 403,
    "not_found": 404,
    "room_not_found": 404,
    "images_not_allowed": 403,
    "upload_not_found": 404,
    "image_too_large": 413,
}


def too_many(response, error: RateLimited):
    """``response`` as the answer to a request over a limit: 429, and when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
    return response


def json_error(error: ChatError) -> JsonResponse:
    body = {"code": error.code, "detail": str(error.detail), **error.fields()}
    response = JsonResponse({"error": body}, status=STATUS.get(error.code, 400))
    return too_many(response, error) if isinstance(error, RateLimited) else response


def json_fields(request) -> dict:
    """The request's fields: a JSON object, or a form."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as error:
            raise InvalidModeration(_("The request is not valid JSON.")) from error
        if not isinstance(data, dict):
            raise InvalidModeration(_("The request must be a JSON object."))
        return data
    return request.POST.dict()


def json_reason(data: dict) -> str:
    reason = data.get("reason", "")
    if not isinstance(reason, str) or len(reason) > REASON_MAX_LENGTH:
        raise InvalidModeration(
            _("A reason is text of at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        )
    return reason.strip()


def json_flag(data: dict, name: str) -> bool | None:
    value = data.get(name)
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "on", "1"):
        return True
    if value in ("false", "off", "0", ""):
        return False
    raise InvalidModeration(_("“%(field)s” must be true or false.") % {"field": name})


def json_flag_given(data: dict, name: str) -> bool:
    """``json_flag``, for a field the request must give."""
    value = json_flag(data, name)
    if value is None:
        raise InvalidModeration(_("Say “%(field)s”: true or false.") % {"field": name})
    return value


def not_authenticated() -> JsonResponse:
    error = {"code": "not_authenticated", "detail": _("Log in first.")}
    return JsonResponse({"error": error}, status=401)


def user_endpoint(view):
    """As ``endpoint``, for an endpoint of no room (``view(request, **kwargs)``)."""

    @wraps(view)
    def wrapper(request, **kwargs):
        if not request.user.is_authenticated:
            return not_authenticated()
        try:
            return view(request, **kwargs) or JsonResponse({"ok": True})
        except ChatError as error:
            return json_error(error)
        except Http404:
            error = {"code": "not_found", "detail": _("It is not there any more.")}
            return JsonResponse({"error": error}, status=404)

    return wrapper


def endpoint(view):
    """Signed-in users only (401, not a redirect: the caller is a script); the room from the
    URL; a refusal as a JSON error with its code."""

    @wraps(view)
    def wrapper(request, slug, **kwargs):
        if not request.user.is_authenticated:
            return not_authenticated()
        try:
            # A private room or a conversation the user is no member of is not there for them.
            room = room_for_reader(user=request.user, slug=slug)
            if room is None:
                raise Http404
            return view(request, room, **kwargs) or JsonResponse({"ok": True})
        except ChatError as error:
            return json_error(error)
        except Http404:
            error = {"code": "not_found", "detail": _("It is not there any more.")}
            return JsonResponse({"error": error}, status=404)

    return wrapper
