"""Moderation: who may act, and what deleting, kicking, muting, banning, filtering and
reporting do (docs/moderation.md). Each action is a plain function that checks the actor,
writes, records an audit entry, and announces the effect after commit."""
