"""What a load-generator run does (Scenario) and against what (Target)."""

from dataclasses import dataclass, field


@dataclass
class Scenario:
    name: str
    users: int
    rooms: int
    senders: int = 0
    rate: float = 0.0  # messages per second per sender
    duration: float = 10.0

    @property
    def idle(self) -> bool:
        return self.senders == 0


@dataclass
class Target:
    """Where to connect and which processes to charge for the work."""

    label: str
    ws_urls: list[str]
    room_slugs: list[str]
    sessions: list[str] | None = None  # session cookie per user; None: no auth (baseline)
    pids: list[int] = field(default_factory=list)
    redis_pid: int | None = None
    extra: dict = field(default_factory=dict)  # copied into the result (server, layer...)
