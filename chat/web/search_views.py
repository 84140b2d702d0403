"""Search over HTTP (docs/protocol.md, "Search over HTTP"): JSON for signed-in users, in one
room or in every room they may read. Each view parses the query string and calls
chat/search.py; who may find what is decided there."""

import math
from functools import wraps

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chat.errors import ChatError, RateLimited
from chat.models import Room
from chat.search import (
    PAGE_SIZE,
    PAGE_SIZE_MAX,
    InvalidSearch,
    messages_search,
    room_searchable,
    search_allowance_take,
    search_page_payload,
    search_query_clean,
)
from chat.selectors import room_get

ID_MAX = 2**63 - 1


def _error(code: str, detail: str, status: int, **fields) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "detail": detail, **fields}}, status=status)


def _json(view):
    """Signed-in users only (401, not a redirect: the caller is a script); a refusal as a JSON
    error with its code: 400 a bad field, 429 too many searches."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error("not_authenticated", _("Log in first."), 401)
        try:
            return view(request, *args, **kwargs)
        except RateLimited as error:
            response = _error(error.code, str(error.detail), 429, **error.fields())
            response["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
            return response
        except ChatError as error:
            return _error(error.code, str(error.detail), 400, **error.fields())

    return wrapper


def _number(request, name: str, *, default: int | None, low: int, high: int) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return default
    if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
        raise InvalidSearch(
            _("“%(field)s” must be a whole number from %(low)d to %(high)d.")
            % {"field": name, "low": low, "high": high}
        )
    return int(value)


def _search(request, room: Room | None) -> JsonResponse:
    query = search_query_clean(query=request.GET.get("q", ""))
    before_id = _number(request, "before_id", default=None, low=1, high=ID_MAX)
    limit = _number(request, "limit", default=PAGE_SIZE, low=1, high=PAGE_SIZE_MAX)
    search_allowance_take(user_id=request.user.pk)
    page = messages_search(
        viewer=request.user, query=query, room=room, before_id=before_id, limit=limit
    )
    return JsonResponse({"ok": True, "query": query, **search_page_payload(page)})


@require_GET
@_json
def room_search(request, slug):
    room = room_get(slug=slug)
    # A private room the user is not in is not there for them, as in every endpoint.
    if room is None or not room_searchable(viewer=request.user, room=room):
        return _error("not_found", _("It is not there any more."), 404)
    return _search(request, room)


@require_GET
@_json
def search(request):
    return _search(request, None)
