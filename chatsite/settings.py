"""Settings for the chat site, read from the environment only (12-factor).

The defaults are safe for production: DEBUG is off, and then SECRET_KEY and
ALLOWED_HOSTS must be set. Without DATABASE_URL and REDIS_URL the site runs on
the embedded default, SQLite and Channels' in-memory layer; those two variables
switch to PostgreSQL and Redis.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chat.infra.redis_clients import channel_layers_redis, redis_prefix_default

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
    "axes",
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
    # An embedded room's requests carry a ticket instead of the session (docs/embed.md).
    "chat.web.embed_auth.EmbedTicketMiddleware",
    "chat.web.browsers.BrowserCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): our pages load scripts, styles and images from this
# site only, with no inline script or style attribute, so an injected tag could not run; the
# page's socket is to the same host. Framing is refused as X-Frame-Options does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: the composer's preview of a picture about to be uploaded (an object URL).
        # CHAT_MEDIA_ORIGIN: where an S3 store's signed links point (docs/images.md).
        "img-src": [SELF, "data:", "blob:", *env.list("CHAT_MEDIA_ORIGIN", default=[])],
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
                "chat.web.context.site",
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
# PostgreSQL: connections from psycopg's pool, at most DATABASE_POOL_MAX_SIZE per process.
# Under an ASGI server every HTTP request runs in a thread of its own, and a connection kept
# open in it (CONN_MAX_AGE) outlived the thread: a thousand guests joining at once ran the
# database out of connections ("too many clients", a 500 for one join in three;
# docs/performance.md, round 2). With the pool a connection goes back to it after each request
# and socket event instead, so CONN_MAX_AGE only applies with DATABASE_POOL=false.
DATABASE_POOL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_POOL", default=True
)
if DATABASE_POOL:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        # A request waits this long for a free connection before failing.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
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
# Every key and pub/sub channel this site has in Redis starts with CHAT_REDIS_PREFIX, so that
# sites can share a Redis server: pub/sub ignores database numbers, and a second site would
# hear the first one's rooms. By default a hash of SECRET_KEY (never the key itself): the
# same in every process of the site, another for another site. Set it to keep it across a
# change of SECRET_KEY: processes with different prefixes do not hear each other.
CHAT_REDIS_PREFIX = env.str("CHAT_REDIS_PREFIX", default=redis_prefix_default(SECRET_KEY))
# Letters, digits, "-", "_" and "."; short, since it is part of channel names (100 at most).
if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", CHAT_REDIS_PREFIX):
    raise ImproperlyConfigured(
        "CHAT_REDIS_PREFIX must be 1 to 40 letters, digits, '-', '_' or '.', "
        f"not {CHAT_REDIS_PREFIX!r}."
    )
# Connections to Redis per process, for presence and the rate limits, and again for the
# channel layer: a login storm's thousand sockets each ask Redis at once. Past it, presence
# and the rate limits wait (5 s at most) for a free connection.
CHAT_REDIS_MAX_CONNECTIONS = env.int("CHAT_REDIS_MAX_CONNECTIONS", default=1000)
if CHAT_REDIS_MAX_CONNECTIONS < 1:  # redis-py would read 0 as its own default, 100
    raise ImproperlyConfigured("CHAT_REDIS_MAX_CONNECTIONS must be 1 or more.")
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
    CHANNEL_LAYERS = channel_layers_redis(
        REDIS_URLS,
        layer=CHANNEL_LAYER,
        prefix=CHAT_REDIS_PREFIX,
        capacity=CHANNEL_CAPACITY,
        expiry=CHANNEL_EXPIRY,
        sentinels=REDIS_SENTINELS,
        sentinel_password=REDIS_SENTINEL_PASSWORD,
        max_connections=CHAT_REDIS_MAX_CONNECTIONS,
    )
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
# django-axes' backend comes first: it refuses a locked-out login before a password is checked.
# Then the login by nickname in any case or look-alike spelling (chat/web/login.py); Django's
# own backend stays for the sessions that name it (the join page logs guests in with it).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "chat.web.login.NicknameBackend",
    "django.contrib.auth.backends.ModelBackend",
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
# Uploaded pictures (chat/uploads/): never served from MEDIA_ROOT directly, only through
# the app, which checks who may see them (there is no MEDIA_URL to serve them from).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# "filesystem" (MEDIA_ROOT) or "s3": an S3-compatible bucket through django-storages
# (requirements-s3.txt; its AWS_* settings below, docs/images.md).
CHAT_MEDIA_STORAGE = env.str("CHAT_MEDIA_STORAGE", default="filesystem")
MEDIA_STORAGES = {
    "filesystem": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=""),
            # Private objects, fetched through short-lived signed links the app hands out
            # after its own check (chat/web/upload_views.py).
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    },
}
if CHAT_MEDIA_STORAGE not in MEDIA_STORAGES:
    raise ImproperlyConfigured("CHAT_MEDIA_STORAGE must be filesystem or s3.")
STORAGES = {
    "default": MEDIA_STORAGES[CHAT_MEDIA_STORAGE],
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
    "loggers": {
        "django.channels.server": {"handlers": ["console"], "propagate": False},
        # Each failed login and each lock-out is a warning; the steps between are not news.
        "axes": {"level": "WARNING"},
    },
}

# The site's name in the page header, the admin and e-mails. The default is shown translated
# (聊天室 to Chinese readers); a name of your own is shown as written (chat/site.py).
CHAT_SITE_NAME = env.str("CHAT_SITE_NAME", default="Chat room")
if not CHAT_SITE_NAME.strip():
    raise ImproperlyConfigured("CHAT_SITE_NAME must not be empty.")

# E-mail, for password resets only. Printed to stdout until EMAIL_HOST names an SMTP server.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10  # seconds: a slow mail server must not hold a worker for long
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# Chat rules. Defaults are the documented limits (docs/protocol.md).
CHAT_MESSAGE_MAX_LENGTH = env.int("CHAT_MESSAGE_MAX_LENGTH", default=4000)
CHAT_HISTORY_PAGE_SIZE = env.int("CHAT_HISTORY_PAGE_SIZE", default=50)
CHAT_RATE_LIMIT_MESSAGES = env.int("CHAT_RATE_LIMIT_MESSAGES", default=20)
CHAT_RATE_LIMIT_SECONDS = env.float("CHAT_RATE_LIMIT_SECONDS", default=10.0)
# Reactions added or taken back per user in the same window as messages.
CHAT_RATE_LIMIT_REACTIONS = env.int("CHAT_RATE_LIMIT_REACTIONS", default=30)
# "Alice is typing…": at most one notice per user per this many seconds, and none in rooms
# with more people online than CHAT_TYPING_MAX_ONLINE.
CHAT_TYPING_EVERY_SECONDS = env.float("CHAT_TYPING_EVERY_SECONDS", default=3.0)
CHAT_TYPING_MAX_ONLINE = env.int("CHAT_TYPING_MAX_ONLINE", default=50)
# How long after sending a message its author may still edit it.
CHAT_EDIT_WINDOW_MINUTES = env.int("CHAT_EDIT_WINDOW_MINUTES", default=15)
# History pages one user may ask for per window, across connections (rate_limited past it).
CHAT_HISTORY_RATE_LIMIT_PAGES = env.int("CHAT_HISTORY_RATE_LIMIT_PAGES", default=30)
CHAT_HISTORY_RATE_LIMIT_SECONDS = env.float("CHAT_HISTORY_RATE_LIMIT_SECONDS", default=10.0)
CHAT_BACKFILL_LIMIT = env.int("CHAT_BACKFILL_LIMIT", default=500)
# Searches (or further pages of results) one user may ask for per window (chat/search.py).
CHAT_SEARCH_RATE_LIMIT_QUERIES = env.int("CHAT_SEARCH_RATE_LIMIT_QUERIES", default=20)
CHAT_SEARCH_RATE_LIMIT_SECONDS = env.float("CHAT_SEARCH_RATE_LIMIT_SECONDS", default=60.0)
# Pictures in messages (docs/images.md): the largest file taken, the most pixels decoded (a
# decompression bomb claims far more), the longest side stored, uploads per user per window
# and bytes stored per user per 24 hours; unused uploads are removed after the given hours by
# `manage.py uploads_prune`.
CHAT_UPLOAD_MAX_BYTES = env.int("CHAT_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
CHAT_UPLOAD_MAX_PIXELS = env.int("CHAT_UPLOAD_MAX_PIXELS", default=40_000_000)
CHAT_UPLOAD_MAX_DIMENSION = env.int("CHAT_UPLOAD_MAX_DIMENSION", default=2560)
CHAT_RATE_LIMIT_UPLOADS = env.int("CHAT_RATE_LIMIT_UPLOADS", default=10)
CHAT_RATE_LIMIT_UPLOAD_SECONDS = env.float("CHAT_RATE_LIMIT_UPLOAD_SECONDS", default=60.0)
CHAT_UPLOAD_DAILY_BYTES = env.int("CHAT_UPLOAD_DAILY_BYTES", default=50 * 1024 * 1024)
CHAT_UPLOAD_ORPHAN_HOURS = env.int("CHAT_UPLOAD_ORPHAN_HOURS", default=24)
# Behind nginx: the app checks who may see a picture and nginx sends the file, from an
# internal location with this prefix mapped to MEDIA_ROOT (deploy/nginx.conf). Empty: the
# app sends it.
CHAT_UPLOAD_ACCEL_REDIRECT = env.str("CHAT_UPLOAD_ACCEL_REDIRECT", default="")
for _name in ("CHAT_UPLOAD_MAX_BYTES", "CHAT_UPLOAD_MAX_PIXELS", "CHAT_UPLOAD_MAX_DIMENSION"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")

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
# Two processes' notifications for one room may arrive out of order: a number that comes
# early waits this long for the ones before it before they are read from the database.
CHAT_FANOUT_REORDER_MS = env.float("CHAT_FANOUT_REORDER_MS", default=20.0)
# The PHP chat room's WebSocket endpoint at / and /ws/legacy/<slug>/ (docs/legacy.md).
CHAT_LEGACY_ENDPOINT = env.bool("CHAT_LEGACY_ENDPOINT", default=True)

# New guests per client address (an IPv6 address's /64) and per browser (a cookie) in any
# hour, at /join/ and the PHP page's login; rooms per person in any 24 hours (docs/security.md).
CHAT_GUESTS_PER_ADDRESS_PER_HOUR = env.int("CHAT_GUESTS_PER_ADDRESS_PER_HOUR", default=10)
CHAT_GUESTS_PER_BROWSER_PER_HOUR = env.int("CHAT_GUESTS_PER_BROWSER_PER_HOUR", default=5)
CHAT_ROOMS_PER_USER_PER_DAY = env.int("CHAT_ROOMS_PER_USER_PER_DAY", default=10)
# Sign-ins with a host site's token (POST /embed/sign-in/, docs/embed.md) per client address
# in any hour, good tokens or not.
CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR = env.int(
    "CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR", default=120
)
# How long an embedded room's ticket lasts (chat/embed/tickets.py): its page asks for a new
# one well before, so this bounds a ticket that leaked, not a visit.
CHAT_EMBED_TICKET_HOURS = env.int("CHAT_EMBED_TICKET_HOURS", default=12)
# A proof of work (ALTCHA, served by this site) on the guest form; its cost is PBKDF2
# iterations per attempt, about 256 attempts on average (chat/proof_of_work.py).
CHAT_GUEST_PROOF_OF_WORK = env.bool("CHAT_GUEST_PROOF_OF_WORK", default=False)
CHAT_PROOF_OF_WORK_COST = env.int("CHAT_PROOF_OF_WORK_COST", default=5000)

# Moderation (docs/moderation.md): a ban holds the banned user's address for at most this many
# hours (addresses are shared; the account and the browser stay held for the whole ban); a
# guest's messages may hold links only after this many minutes since the guest was made.
CHAT_BAN_ADDRESS_HOURS = env.int("CHAT_BAN_ADDRESS_HOURS", default=24)
CHAT_GUEST_LINK_MINUTES = env.int("CHAT_GUEST_LINK_MINUTES", default=10)

# Password guessing, at /accounts/login/ and /admin/login/ (django-axes): after
# CHAT_LOGIN_FAILURE_LIMIT wrong passwords for one name from one address, that name is refused
# from that address for CHAT_LOGIN_COOLOFF_MINUTES after the last one. Locking the pair, not
# the name, means nobody can lock a stranger out from elsewhere. Attempts are rows in the
# database, which every process shares.
AXES_FAILURE_LIMIT = env.int("CHAT_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("CHAT_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The name counted is the look-alike key of what was typed: "carol", "CAROL" and "ｃａｒｏｌ"
# log in to one account, so they share one count (chat/web/login.py).
AXES_USERNAME_CALLABLE = "chat.web.login.login_name_key"
AXES_RESET_ON_SUCCESS = True
# Tries during the lock are refused without being counted, so the page's "try again in 15
# minutes" stays true for a person who tries again early.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "chat.web.views.login_locked_out"
# The client's address is REMOTE_ADDR as the ASGI server sets it (uvicorn --proxy-headers:
# from nginx's X-Forwarded-For); axes is not to read any header of its own.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Otherwise axes keeps a row for every successful login, forever.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # its banner at start would be the first line on stdout, not JSON

# 0 would not mean "off" but "nobody, ever" (and no cool-off at all): refused at startup.
for _name, _value in {
    "CHAT_GUESTS_PER_ADDRESS_PER_HOUR": CHAT_GUESTS_PER_ADDRESS_PER_HOUR,
    "CHAT_GUESTS_PER_BROWSER_PER_HOUR": CHAT_GUESTS_PER_BROWSER_PER_HOUR,
    "CHAT_ROOMS_PER_USER_PER_DAY": CHAT_ROOMS_PER_USER_PER_DAY,
    "CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR": CHAT_EMBED_SIGN_INS_PER_ADDRESS_PER_HOUR,
    "CHAT_LOGIN_FAILURE_LIMIT": AXES_FAILURE_LIMIT,
    "CHAT_LOGIN_COOLOFF_MINUTES": AXES_COOLOFF_TIME // timedelta(minutes=1),
}.items():
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more, not {_value}.")
