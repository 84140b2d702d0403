"""What people do with messages after sending them: edit, delete, reply, react, mention
(docs/protocol.md). Plain functions that check who acts, write, and announce after commit."""
