from django.conf import settings
from django.urls import path, re_path

from chat.legacy.consumer import LegacyConsumer
from chat.realtime.consumer import ChatConsumer
from chat.sockets.not_found import NoSuchEndpoint


def websocket_urlpatterns_for(*, legacy: bool) -> list:
    """The WebSocket routes; ``legacy`` adds the PHP room's endpoint (CHAT_LEGACY_ENDPOINT)."""
    patterns = [path("ws/chat/<slug:slug>/", ChatConsumer.as_asgi())]
    if legacy:
        patterns += [
            path("ws/legacy/<slug:slug>/", LegacyConsumer.as_asgi()),
            path("", LegacyConsumer.as_asgi()),  # the root, where the old page connects
        ]
    # Last: every other path is refused with a close code, not a router error.
    return [*patterns, re_path(r"", NoSuchEndpoint.as_asgi())]


websocket_urlpatterns = websocket_urlpatterns_for(legacy=settings.CHAT_LEGACY_ENDPOINT)
