"""The ceiling: a bare-websockets room server speaking the same frames, with nothing else.

    python -m bench.baseline --port 8765

One process, rooms in memory, no auth, no database, no channel layer. It answers a
connection with ``welcome`` (the online list, as the app does) and ``synced``, announces
``presence.joined`` to the room, and answers ``message.send`` with the app's ``message``
frame (``id``, ``seq``, ``created``...) to the whole room, then an ``ack`` to the sender.
"""

import argparse
import asyncio
import itertools
import json
from datetime import UTC, datetime

from websockets.asyncio.server import ServerConnection, broadcast, serve

rooms: dict[str, dict[ServerConnection, dict]] = {}
seqs: dict[str, itertools.count] = {}
ids = itertools.count(1)
users = itertools.count(1)


def frame(frame_type: str, **fields) -> str:
    return json.dumps({"type": frame_type, **fields}, ensure_ascii=False)


async def handler(ws: ServerConnection) -> None:
    slug = ws.request.path.strip("/").split("/")[-1]
    number = next(users)
    me = {"id": number, "name": f"user{number}", "avatar": "/static/avatars/a1.svg"}
    since = datetime.now(UTC).isoformat()
    room = rooms.setdefault(slug, {})
    seq = seqs.setdefault(slug, itertools.count(1))
    room[ws] = {"user": me, "since": since}
    online = list(room.values())
    await ws.send(
        frame(
            "welcome", me=me, room={"slug": slug, "title": slug}, online=online, count=len(online)
        )
    )
    await ws.send(frame("synced", complete=True))
    broadcast(room, frame("presence.joined", user=me, count=len(room)))
    try:
        async for text in ws:
            command = json.loads(text)
            if command.get("type") == "message.send":
                message = {
                    "id": next(ids),
                    "seq": next(seq),
                    "room": slug,
                    "author": me,
                    "body": command["body"].strip(),
                    "created": datetime.now(UTC).isoformat(),
                    "client_msg_id": command.get("client_msg_id"),
                }
                broadcast(room, frame("message", message=message))
                await ws.send(
                    frame(
                        "ack",
                        client_msg_id=message["client_msg_id"],
                        id=message["id"],
                        seq=message["seq"],
                        created=message["created"],
                    )
                )
            elif command.get("type") == "ping":
                await ws.send(frame("pong"))
    finally:
        del room[ws]
        broadcast(room, frame("presence.left", user=me, count=len(room)))


async def main(host: str, port: int) -> None:
    async with serve(handler, host, port, compression=None, max_size=64 * 1024) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.host, arguments.port))
