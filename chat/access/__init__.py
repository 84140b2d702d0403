"""Who may open a room: public rooms anyone logged in, private rooms and direct
conversations their members only (docs/protocol.md "Private rooms and direct messages").
Every way in asks ``room_readable`` (or filters with ``rooms_readable``)."""
