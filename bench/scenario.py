"""What a load-generator run does (Scenario) and against what (Target)."""

from dataclasses import dataclass, field

# What a scenario's users do (bench/README.md, "Scenarios"):
#   chat          the room page's protocol: connect, then senders post (idle without senders)
#   legacy-login  the old page's protocol: every socket shakes hands, then all log in at once
#   legacy-chat   the old page's protocol: log in, then senders post `user` frames
#   join          guests through GET+POST /join/, then each connects over the socket
#   storm         chat, with every socket of worker 0 dropped mid-window and resumed by after_id
KINDS = ("chat", "legacy-login", "legacy-chat", "join", "storm")
# The kinds that connect with the sessions bench.users writes (the others make their own
# users: the old page by its `login` frame, join through the form).
KINDS_WITH_SESSIONS = ("chat", "storm")


@dataclass
class Scenario:
    name: str
    users: int
    rooms: int
    senders: int = 0
    rate: float = 0.0  # messages per second per sender
    duration: float = 10.0
    kind: str = "chat"

    @property
    def idle(self) -> bool:
        return self.senders == 0

    @property
    def needs_sessions(self) -> bool:
        return self.kind in KINDS_WITH_SESSIONS

    @property
    def on_baseline(self) -> bool:
        """The baseline speaks the room page's frames only: no old page, no form, no after_id."""
        return self.kind == "chat"


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

    @property
    def http_urls(self) -> list[str]:
        return [url.replace("ws", "http", 1) for url in self.ws_urls]
