"""Settings for the chat site, read from the environment only (12-factor).

The defaults are safe for production: DEBUG is off, and then SECRET_KEY and
ALLOWED_HOSTS must be set. Without DATABASE_URL and REDIS_URL the site runs on
the embedded default, SQLite and Channels' in-memory layer; those two variables
switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chat.infra.redis_clients import channel_layer_host

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Off unless asked for: `make run` and the tests set DEBUG=true for development.
DEBUG = env.bool("DEBUG", default=False)
_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production"

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured("DEBUG is off: set the SECRET_KEY environment variable.")
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured(
            "DEBUG is off: set ALLOWED_HOSTS to the site's host names, comma-separated."
        )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS=* is refused when DEBUG is off: it would let any site's "
            "pages open WebSockets to this server. List the real host names."
        )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Served over TLS, terminated by a proxy in front (nginx, a load balancer). On by default in
# production; HTTPS=false only for trying the compose setup on http://localhost, where
# secure cookies and a redirect to https would lock the browser out.
HTTPS = env.bool("HTTPS", default=not DEBUG)
if HTTPS:
    # The TLS proxy tells whether the browser used https (deploy/nginx.conf sets the header).
    # Without TLS there is no such proxy, and a client could claim https on its own.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Container and load-balancer health probes speak plain HTTP to the app itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# HSTS makes browsers refuse plain HTTP for this long: start small (SECURE_HSTS_SECONDS=3600)
# the first time TLS goes live, since a mistake is remembered for the whole period.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need no policy; every page Django renders gets one.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp): our pages load scripts, styles and images from this
# site only, with no inline script or style attribute, so an injected tag could not run; the
# page's socket is to the same host. Framing is refused as X-Frame-Options does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "chatsite.urls"
ASGI_APPLICATION = "chatsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Kept open between requests and socket events: opening a PostgreSQL connection for each
# database call capped a worker at about 100 sends a second (docs/performance.md). The
# health check replaces a connection the server closed before it is used.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL: one URL or several, comma-separated. Password and TLS go in the URL:
# redis://:password@host:6379/0, rediss://:password@host:6380/0?ssl_ca_certs=/path/ca.pem.
# With several, the channel layer shards groups and channels across them; presence and the
# rate limiter use the first, since their Lua scripts need all their keys on one node.
REDIS_URLS = env.list("REDIS_URL", default=[])
REDIS_URL = REDIS_URLS[0] if REDIS_URLS else ""
# Sentinel: REDIS_SENTINELS lists the sentinels (host:port, comma-separated), and the host
# of each REDIS_URL is the name of the master they watch: redis://:password@mymaster/0.
REDIS_SENTINELS = env.list("REDIS_SENTINELS", default=[])
REDIS_SENTINEL_PASSWORD = env.str("REDIS_SENTINEL_PASSWORD", default="")
# With Redis, the channel layer is channels-redis' pub/sub layer by default: one PUBLISH per
# message, and in the benchmark a 100-user room's p99 in tens of milliseconds where the core
# layer's queues took seconds (docs/performance.md). Pub/sub keeps nothing for a receiver
# that is reconnecting: the heartbeat closes sockets when Redis lost their state or is
# unreachable, and the numbers in each room show what was missed, which the database has
# (chat/sockets/fanout.py). CHANNEL_LAYER=core picks the queueing layer, where a channel holds up to
# CHANNEL_CAPACITY notifications, each for CHANNEL_EXPIRY seconds.
CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="pubsub")
CHANNEL_CAPACITY = env.int("CHANNEL_CAPACITY", default=1000)
CHANNEL_EXPIRY = env.int("CHANNEL_EXPIRY", default=60)
if CHANNEL_LAYER not in ("pubsub", "core"):
    raise ImproperlyConfigured(f"CHANNEL_LAYER must be pubsub or core, not {CHANNEL_LAYER!r}")
if REDIS_URL:
    _layer_hosts = [
        channel_layer_host(
            url, sentinels=REDIS_SENTINELS, sentinel_password=REDIS_SENTINEL_PASSWORD
        )
        for url in REDIS_URLS
    ]
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": _layer_hosts},
        }
        if CHANNEL_LAYER == "pubsub"
        else {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": _layer_hosts,
                "capacity": CHANNEL_CAPACITY,
                "expiry": CHANNEL_EXPIRY,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY, "expiry": CHANNEL_EXPIRY},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "guest-join"
LOGIN_REDIRECT_URL = "room-list"
LOGOUT_REDIRECT_URL = "room-list"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# JSON lines on stdout in production (chat/infra/json_logging.py), plain text while developing.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "chat.infra.json_logging.JsonLinesFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # runserver's access log has a handler of its own; without this each line shows twice.
    "loggers": {"django.channels.server": {"handlers": ["console"], "propagate": False}},
}

# Chat rules. Defaults are the documented limits (docs/protocol.md).
CHAT_MESSAGE_MAX_LENGTH = env.int("CHAT_MESSAGE_MAX_LENGTH", default=4000)
CHAT_HISTORY_PAGE_SIZE = env.int("CHAT_HISTORY_PAGE_SIZE", default=50)
CHAT_RATE_LIMIT_MESSAGES = env.int("CHAT_RATE_LIMIT_MESSAGES", default=20)
CHAT_RATE_LIMIT_SECONDS = env.float("CHAT_RATE_LIMIT_SECONDS", default=10.0)
CHAT_BACKFILL_LIMIT = env.int("CHAT_BACKFILL_LIMIT", default=500)
# Frames a socket may have waiting to be written before it is closed as too slow (1013);
# its page reconnects and reads what it missed.
CHAT_SOCKET_BACKLOG_FRAMES = env.int("CHAT_SOCKET_BACKLOG_FRAMES", default=1000)
CHAT_MAX_CONNECTIONS_PER_USER = env.int("CHAT_MAX_CONNECTIONS_PER_USER", default=10)
CHAT_MAX_FRAME_BYTES = env.int("CHAT_MAX_FRAME_BYTES", default=64 * 1024)
# Sockets one client address may hold open per server process, on both endpoints.
CHAT_MAX_SOCKETS_PER_ADDRESS = env.int("CHAT_MAX_SOCKETS_PER_ADDRESS", default=60)
# Seconds the old page's socket has to log in before it is closed with 4408.
CHAT_LEGACY_LOGIN_SECONDS = env.float("CHAT_LEGACY_LOGIN_SECONDS", default=30.0)
# A live process refreshes its connections every heartbeat; a connection not refreshed
# for the TTL (its process died) is swept and its user announced as left.
CHAT_PRESENCE_HEARTBEAT_SECONDS = env.float("CHAT_PRESENCE_HEARTBEAT_SECONDS", default=20.0)
CHAT_PRESENCE_TTL_SECONDS = env.float("CHAT_PRESENCE_TTL_SECONDS", default=60.0)
# Joins and leaves within this window after one that went out are sent together, as one
# presence.batch frame per socket (0: each on its own). chat/sockets/fanout.py.
CHAT_PRESENCE_BATCH_SECONDS = env.float("CHAT_PRESENCE_BATCH_SECONDS", default=1.0)
# The PHP chat room's WebSocket endpoint at / and /ws/legacy/<slug>/ (docs/legacy.md).
CHAT_LEGACY_ENDPOINT = env.bool("CHAT_LEGACY_ENDPOINT", default=True)
