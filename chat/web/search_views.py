"""Search over HTTP (docs/protocol.md, "Search over HTTP"): JSON for signed-in users, in one
room or in every room they may read, answered as every JSON endpoint is
(chat/web/json_endpoints.py: 401, 404 for a room one may not read, 400, 429). Each view parses
the query string and calls chat/search.py; who may find what is decided there."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chat.models import ID_MAX, Room
from chat.search import (
    PAGE_SIZE,
    PAGE_SIZE_MAX,
    InvalidSearch,
    messages_search,
    search_allowance_take,
    search_page_payload,
    search_query_clean,
)
from chat.web.json_endpoints import endpoint, user_endpoint


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
@endpoint
def room_search(request, room):
    return _search(request, room)


@require_GET
@user_endpoint
def search(request):
    return _search(request, None)
