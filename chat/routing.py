from django.conf import settings
from django.urls import path

from chat.legacy.consumer import LegacyConsumer
from chat.realtime.consumer import ChatConsumer


def websocket_urlpatterns_for(*, legacy: bool) -> list:
    """The WebSocket routes; ``legacy`` adds the PHP room's endpoint (CHAT_LEGACY_ENDPOINT)."""
    patterns = [path("ws/chat/<slug:slug>/", ChatConsumer.as_asgi())]
    if legacy:
        patterns += [
            path("ws/legacy/<slug:slug>/", LegacyConsumer.as_asgi()),
            path("", LegacyConsumer.as_asgi()),  # the root, where the old page connects
        ]
    return patterns


websocket_urlpatterns = websocket_urlpatterns_for(legacy=settings.CHAT_LEGACY_ENDPOINT)
