"""LOG_FORMAT=json: one JSON object a line, with the worker and the extra fields."""

import json
import logging
import os
import sys

from chat.infra.json_logging import JsonLinesFormatter


def test_a_log_line_is_one_json_object_with_the_worker_and_the_extra_fields():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("chat.realtime.consumer").makeRecord(
            "chat.realtime.consumer",
            logging.WARNING,
            __file__,
            1,
            "connect user=%s",
            (7,),
            sys.exc_info(),
            extra={"event": "connect", "user": 7, "room": "lobby"},
        )
    line = JsonLinesFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "connect user=7"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "chat.realtime.consumer"
    assert entry["worker"].endswith(f":{os.getpid()}")
    assert (entry["event"], entry["user"], entry["room"]) == ("connect", 7, "lobby")
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")
