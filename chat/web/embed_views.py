"""A host site signs its member in (docs/embed.md): ``POST /embed/sign-in/`` with the token
its server signed; the answer is JSON, and the session cookie.

No CSRF token: the host's page calls this from another site, where it cannot read ours. A
forged request gains nothing CSRF protects: the token, not a cookie, says who signs in. What
is left, a page signing a visitor in as someone else (login CSRF), is refused by the Origin
check (chat/embed/sign_in.py): only the integration's own pages, or this site, may send one.
"""

from django.contrib.auth import login
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chat.embed.sign_in import embed_sign_in
from chat.errors import ChatError
from chat.payloads import user_payload
from chat.web.json_endpoints import json_error, json_fields

# The token was good, the person may not come in; every other refusal is a 400 (or a 429).
FORBIDDEN = {"banned", "origin_refused"}


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
        response = json_error(error)
        if error.code in FORBIDDEN:
            response.status_code = 403
        return response
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse({"ok": True, "user": user_payload(user)})
