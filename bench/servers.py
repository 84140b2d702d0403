"""The processes under test: a private Redis, a PostgreSQL database, the app (daphne or
uvicorn, one process per worker, each on its own port) and the bare-websockets baseline.

Every process is started here and stopped by its own pid. Workers share no port: the
load generator spreads its users over the workers' ports (no proxy in between).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from devtools.loopback import free_port, log_tail, process_stop, redis_arguments, wait_for_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STARTUP_TIMEOUT_SECONDS = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    error: object = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited {process.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            error = exc
        time.sleep(0.1)
    raise RuntimeError(f"{url} not healthy ({error}):\n{log_tail(log)}")


@dataclass
class Redis:
    """A throwaway redis-server (no persistence), so its CPU is the benchmark's alone."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self, workdir: Path) -> "Redis":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        log = workdir / f"redis-{self.port}.log"
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [binary, *redis_arguments(self.port, workdir)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(
            self.port, self.process, what="redis-server", timeout=STARTUP_TIMEOUT_SECONDS, log=log
        )
        return self

    def stop(self) -> None:
        process_stop(self.process)


def database_create(name: str) -> str:
    """A fresh, migrated PostgreSQL database ``name``; returns its DATABASE_URL."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{POSTGRES_URL}/{name}"
    result = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_ROOT,
        env=app_env(database_url=url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stdout}\n{result.stderr}")
    return url


def database_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_env(
    *, database_url: str, redis_url: str = "", layer: str = "memory", extra: dict | None = None
) -> dict[str, str]:
    """Production-like settings (DEBUG off) with the rate limit out of the way."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "BENCH_CHANNEL_LAYER": layer,
            "CHAT_RATE_LIMIT_MESSAGES": "1000000",
            # Every guest comes from 127.0.0.1 (the join form and the old page's login
            # count new guests together), and every socket.
            "CHAT_GUESTS_PER_ADDRESS_PER_HOUR": "1000000",
            "CHAT_MAX_SOCKETS_PER_ADDRESS": "1000000",
            # The old page's login storm holds each socket until all have shaken hands.
            "CHAT_LEGACY_LOGIN_SECONDS": "600",
            "CHAT_HISTORY_RATE_LIMIT_PAGES": "1000000",
            "LOG_LEVEL": "WARNING",
            "HTTPS": "false",  # plain loopback: no TLS proxy, no redirect to https
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def _app_command(server: str, port: int, app: str) -> list[str]:
    if server == "daphne":
        return [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
    if server == "uvicorn":
        # uvloop + httptools + the sans-I/O websockets protocol: uvicorn's fast setup.
        # Lifespan off: Channels' ProtocolTypeRouter has no lifespan handler.
        return [
            PYTHON,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--ws",
            "websockets-sansio",
            "--ws-per-message-deflate",
            "false",
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    raise ValueError(f"unknown server {server!r}")


@dataclass
class AppServers:
    """``workers`` processes of ``server`` serving chatsite.asgi, each on its own port."""

    server: str
    workers: int
    env: dict[str, str]
    workdir: Path
    app: str = "chatsite.asgi:application"
    ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> "AppServers":
        self.ports = [free_port() for _ in range(self.workers)]
        try:
            for port in self.ports:
                log = self.workdir / f"{self.server}-{port}.log"
                with open(log, "ab") as out:
                    self.processes.append(
                        subprocess.Popen(
                            _app_command(self.server, port, self.app),
                            cwd=PROJECT_ROOT,
                            env=self.env,
                            stdout=out,
                            stderr=subprocess.STDOUT,
                        )
                    )
            for port, process in zip(self.ports, self.processes, strict=True):
                _wait_healthy(
                    f"http://127.0.0.1:{port}", process, self.workdir / f"{self.server}-{port}.log"
                )
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def http_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    @property
    def ws_urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{port}" for port in self.ports]

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def logs(self) -> str:
        return "\n".join(
            log_tail(self.workdir / f"{self.server}-{port}.log") for port in self.ports
        )

    def stop(self) -> None:
        for process in self.processes:
            process_stop(process)

    def gaps(self) -> int:
        """How many times a room receiver read numbers back from the database (its
        "notification gap" warning), over all the workers' logs."""
        return sum(
            (self.workdir / f"{self.server}-{port}.log")
            .read_text(errors="replace")
            .count("notification gap")
            for port in self.ports
        )


@dataclass
class Baseline:
    """bench.baseline on one port."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> "Baseline":
        log = self.workdir / f"baseline-{self.port}.log"
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "bench.baseline", "--port", str(self.port)],
                cwd=PROJECT_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(
            self.port, self.process, what="baseline", timeout=STARTUP_TIMEOUT_SECONDS, log=log
        )
        return self

    @property
    def ws_urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{self.port}"]

    @property
    def pids(self) -> list[int]:
        return [self.process.pid]

    def stop(self) -> None:
        process_stop(self.process)


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="chat-bench-"))
