"""Which pages may open a socket, on either endpoint: the site's own origin as the socket
reached it, and CSRF_TRUSTED_ORIGINS. Scheme, host and port are compared, as Django's CSRF
check compares them; channels' AllowedHostsOriginValidator compared host names only, so
``http://127.0.0.1:1`` or ``ftp://127.0.0.1`` passed for a site at ``http://127.0.0.1:8000``.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _proxy_says_https(headers: dict) -> bool:
    # The same rule as HttpRequest.is_secure(): believe a proxy only when configured to.
    if not settings.SECURE_PROXY_SSL_HEADER:
        return False
    meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
    header = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin-1")
    value = headers.get(header, b"").decode("latin-1").split(",", 1)[0]
    return value.strip() == secure_value


def site_url(scope) -> str:
    """``http(s)://host`` of this server as the socket reached it; "" when the host is unknown.

    The Host header is checked against ALLOWED_HOSTS because it goes into URLs that a page
    loads, and into the origin a page must come from.
    """
    headers = dict(scope.get("headers", []))
    host = headers.get(b"host", b"").decode("latin-1")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return ""
    secure = scope.get("scheme") == "wss" or _proxy_says_https(headers)
    return f"{'https' if secure else 'http'}://{host}"


def origin_parts(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a serialized origin; None for anything else (another scheme,
    credentials, a path, a bad port: no browser sends those)."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _trusted(origin: tuple[str, str, int], trusted: str) -> bool:
    scheme, host, port = origin
    # "https://*.example.com" trusts the subdomains, as CSRF_TRUSTED_ORIGINS does for forms.
    wildcard = "://*." in trusted
    pattern = origin_parts(trusted.replace("://*.", "://", 1) if wildcard else trusted)
    if pattern is None or (pattern[0], pattern[2]) != (scheme, port):
        return False
    return host.endswith(f".{pattern[1]}") if wildcard else host == pattern[1]


def origin_allowed(scope) -> bool:
    headers = dict(scope.get("headers", []))
    origin = origin_parts(headers.get(b"origin", b"").decode("latin-1"))
    if origin is None:
        return False
    own = site_url(scope)
    if own and origin_parts(own) == origin:
        return True
    return any(_trusted(origin, trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS)


class SiteOriginValidator:
    """ASGI middleware: a socket from any other origin is refused before the handshake."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
