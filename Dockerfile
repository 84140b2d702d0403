FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Build-time only values: collectstatic needs settings to load, not real secrets.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py compilemessages --ignore=.venv

RUN useradd --create-home --uid 1000 chat
USER chat

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --retries=5 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["daphne", "--proxy-headers", "-b", "0.0.0.0", "-p", "8000", "chatsite.asgi:application"]
