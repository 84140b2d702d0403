"""The container's health check: exit 0 when the app's /healthz answers 200.

    python deploy/healthcheck.py [URL]      (default http://127.0.0.1:8000/healthz)

Python rather than curl: the image needs no curl, and the request must look like one the
app accepts in production: a Host from ALLOWED_HOSTS (Django answers 400 to 127.0.0.1
otherwise) and the https a TLS proxy would report.
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"
TIMEOUT_SECONDS = 4


def allowed_host() -> str | None:
    """The first ALLOWED_HOSTS entry usable as a Host header ("*" or empty: none needed)."""
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")  # ".example.com" also allows example.com
        if entry and entry != "*":
            return entry
    return None


def probe(url: str = DEFAULT_URL, *, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """Ask ``url`` as a TLS proxy would: None when it answers 200, else what went wrong."""
    headers = {"X-Forwarded-Proto": "https"}
    if host := allowed_host():
        headers["Host"] = host
    # No proxies: the environment's HTTP_PROXY must not reroute a loopback probe.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as answer:
            return None if answer.status == 200 else f"HTTP {answer.status}"
    except (urllib.error.URLError, OSError) as error:
        return str(error)


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    if (problem := probe(url)) is None:
        return 0
    print(f"healthcheck: {url}: {problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
