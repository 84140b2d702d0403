"""One socket a test client opened, and what came through it."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Connection:
    """One socket the client opened, and what came through it."""

    number: int
    url: str
    after_id: int | None
    opened_at: float
    welcome: dict | None = None
    synced_at: float | None = None
    complete: bool | None = None
    replayed: list[int] = field(default_factory=list)  # message ids before `synced`
    message_ids: list[int] = field(default_factory=list)  # every message frame, in order
    closed_at: float | None = None
    close_code: int | None = None

    @property
    def synced(self) -> bool:
        return self.synced_at is not None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def duplicates(self) -> list[int]:
        """Ids this socket delivered more than once (the protocol says: never)."""
        return sorted(id_ for id_, times in Counter(self.message_ids).items() if times > 1)
