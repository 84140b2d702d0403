"""The site's settings with the channel layer chosen by ``BENCH_CHANNEL_LAYER``.

    memory   Channels' in-memory layer (one process only; REDIS_URL must be unset)
    core     channels_redis.core.RedisChannelLayer (the site's CHANNEL_LAYER=core)
    pubsub   channels_redis.pubsub.RedisPubSubChannelLayer (the site's default with Redis)

Bench-only: the site itself picks the layer by CHANNEL_LAYER whenever REDIS_URL is set. Static
files use the plain storage so DEBUG=false pages render without collectstatic.
"""

import os

from chatsite.settings import *  # noqa: F403
from chatsite.settings import CHANNEL_CAPACITY, CHANNEL_EXPIRY, REDIS_URL, STORAGES

LAYER = os.environ.get("BENCH_CHANNEL_LAYER", "core" if REDIS_URL else "memory")

if LAYER == "memory":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY, "expiry": CHANNEL_EXPIRY},
        }
    }
elif LAYER == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": CHANNEL_CAPACITY,
                "expiry": CHANNEL_EXPIRY,
            },
        }
    }
elif LAYER == "pubsub":
    # The pub/sub layer has no capacity or expiry: it keeps no queue in Redis.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    raise ValueError(f"BENCH_CHANNEL_LAYER={LAYER!r}: expected memory, core or pubsub")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
