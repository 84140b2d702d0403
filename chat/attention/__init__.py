"""What draws a person back: read positions and unread counts, notifications of mentions
and direct messages, and who is typing (docs/protocol.md)."""
