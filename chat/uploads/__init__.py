"""Pictures in messages (docs/images.md): checked and re-encoded (processing), stored and
limited (storing), used by a message (attaching), shown only to the room's readers (access),
and removed with their message or when unused (removal)."""
