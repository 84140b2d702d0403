"""The language of a WebSocket connection, found the way LocaleMiddleware finds it for a page."""

from types import SimpleNamespace

from django.utils import translation


def language_from_scope(scope) -> str:
    headers = dict(scope.get("headers", []))
    request = SimpleNamespace(
        COOKIES=scope.get("cookies", {}),
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
    )
    return translation.get_language_from_request(request)
