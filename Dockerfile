# The chat site's image: uvicorn serving chatsite.asgi on port 8000 (docs/deployment.md).
FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies in a layer of their own: rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt


# Build-time work in a stage of its own, so gettext stays out of the final image.
FROM base AS build

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# Settings must load to run these; the values are placeholders for the build, never used
# at run time (the real ones come from the environment, .env with docker compose).
RUN export DEBUG=false SECRET_KEY=build-only-placeholder ALLOWED_HOSTS=build.invalid \
    && python manage.py compilemessages --ignore=.venv \
    && python manage.py collectstatic --noinput


FROM base

RUN useradd --system --uid 1000 --no-create-home --home-dir /app chat \
    && mkdir -p /data/media && chown chat /data/media
# Owned by root and read-only to the app's user: the app writes nothing here.
COPY --from=build /app /app
USER chat

EXPOSE 8000
# deploy/healthcheck.py sends a Host from ALLOWED_HOSTS, which Django insists on.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "deploy/healthcheck.py", "http://127.0.0.1:8000/healthz"]
# uvicorn, not daphne: it costs about two thirds of daphne's CPU per delivery and keeps a
# busy room's latency in milliseconds where daphne's grows to a second (docs/performance.md).
# daphne stays supported: `manage.py runserver` and scripts/cluster --server daphne use it.
# --proxy-headers --forwarded-allow-ips *: the client's address and scheme come from nginx's
# X-Forwarded-* headers (only nginx reaches this port in docker-compose.yml).
# --ws-max-size: frames over 64 KiB (CHAT_MAX_FRAME_BYTES) are refused before they are read.
# --ws-per-message-deflate false: compressing every frame for every socket costs more CPU
# than chat lines save in bytes. --no-access-log: nginx logs every request
# (deploy/nginx.conf), and uvicorn's plain-text lines would break the JSON lines on stdout.
CMD ["uvicorn", "chatsite.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--forwarded-allow-ips", "*", "--ws", "websockets-sansio", "--ws-max-size", "65536", "--ws-per-message-deflate", "false", "--lifespan", "off", "--no-access-log", "--log-level", "warning"]
