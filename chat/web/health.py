"""/healthz: is the database reachable, and does the channel layer carry a message?"""

import asyncio
import logging
import weakref

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 3


@sync_to_async
def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


# One probe channel per event loop: channels-redis' pub/sub layer keeps a channel subscribed
# until a receive on it is cancelled, so a new one per probe would pile up for good.
_probe_channels: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, str]" = (
    weakref.WeakKeyDictionary()
)


async def _channel_layer_ok() -> None:
    layer = get_channel_layer()
    loop = asyncio.get_running_loop()
    if loop not in _probe_channels:
        _probe_channels[loop] = await layer.new_channel()
    channel = _probe_channels[loop]
    await layer.send(channel, {"type": "healthz"})
    await layer.receive(channel)


async def _check(name: str, probe) -> str:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("healthz: %s unreachable", name)
        return "error"
    return "ok"


async def healthz(request):
    checks = {
        "database": await _check("database", _database_ok),
        "channel_layer": await _check("channel_layer", _channel_layer_ok),
    }
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
