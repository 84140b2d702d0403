"""Log records as JSON lines on stdout, for production (LOG_FORMAT=json).

One object per line: time, level, logger, message, worker (hostname:pid, so lines from
several replicas and processes can be told apart), plus every ``extra`` field the call
passed, e.g. ``logger.info("connect", extra={"event": "connect", "user": 7, "room": "lobby"})``.
Log calls pass ids and slugs only: message bodies never go into a log line.
"""

import json
import logging
import os
import socket
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def worker_id() -> str:
    """hostname:pid, read per record: a forked process must not report its parent's pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def record_extras(record: logging.LogRecord) -> dict[str, object]:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "worker": worker_id(),
        }
        entry.update(record_extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an odd extra value must not lose the whole line.
        return json.dumps(entry, default=str, ensure_ascii=False)


def log_event(
    logger: logging.Logger, event: str, *, level: int = logging.INFO, exc_info=False, **fields
) -> None:
    """One line for one event, readable as text and as JSON: ``connect user=7 room=lobby``
    with ``event``, ``user`` and ``room`` as fields of its own."""
    text = " ".join([event, *(f"{key}={value}" for key, value in fields.items())])
    logger.log(level, text, exc_info=exc_info, extra={"event": event, **fields}, stacklevel=2)
