"""Frames as a page sees them: a ``presence.batch`` is its events, one after another."""

import json


def frames_in(text: str) -> list[dict]:
    frame = json.loads(text)
    return frame["events"] if frame["type"] == "presence.batch" else [frame]
