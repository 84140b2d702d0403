"""Real daphne processes for tests that need the site over the network (browsers, sockets).

    with live_server() as base_url:
        ...  # e.g. "http://127.0.0.1:54321"

Each server gets its own SQLite file in a temporary directory (migrated first) and,
unless ``env`` says otherwise, the in-memory channel layer. Pass ``env`` to add or
override variables, e.g. ``{"REDIS_URL": ..., "DATABASE_URL": ...}`` to run several
servers that share state. ``LiveServer`` gives finer control (stop and start again on
the same port, to test reconnecting clients).
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from devtools.loopback import free_port, process_stop

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 10.0


class LiveServer:
    """One daphne process serving chatsite.asgi on 127.0.0.1."""

    def __init__(self, *, port: int | None = None, env: Mapping[str, str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tempdir = tempfile.TemporaryDirectory(prefix="chat-live-server-")
        self.directory = Path(self._tempdir.name)
        self.log_path = self.directory / "daphne.log"
        self.env = self._environment(env or {})
        self.process: subprocess.Popen | None = None
        self._migrated = False

    def _environment(self, extra: Mapping[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("REDIS_URL", None)
        env.update(
            {
                "DEBUG": "true",
                "DJANGO_SETTINGS_MODULE": "chatsite.settings",
                "DATABASE_URL": f"sqlite:///{self.directory / 'db.sqlite3'}",
                "MEDIA_ROOT": str(self.directory / "media"),
                "PYTHONUNBUFFERED": "1",
                # The tests' guests all come from 127.0.0.1, many an hour.
                "CHAT_GUESTS_PER_ADDRESS_PER_HOUR": "100000",
            }
        )
        env.update(extra)
        return env

    def migrate(self) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{result.stdout}\n{result.stderr}")
        self._migrated = True

    def shell(self, code: str) -> str:
        """Run ``code`` in ``manage.py shell`` against this server's database and settings
        (to set up what no page can, e.g. back-dated messages); its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py shell failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> str:
        if self.process is not None and self.process.poll() is None:
            return self.url
        if not self._migrated:
            self.migrate()
        # The log goes to a file, not a pipe: nobody reads a pipe while tests run, and a
        # full pipe would block the server.
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "chatsite.asgi:application",
                ],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        return self.url

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        last_error: object = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"daphne exited with code {self.process.returncode}:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
                    last_error = f"HTTP {response.status}"
            except (urllib.error.URLError, OSError) as error:
                last_error = error
            time.sleep(0.1)
        raise RuntimeError(
            f"daphne did not become healthy within {STARTUP_TIMEOUT_SECONDS:.0f} s "
            f"(last error: {last_error}):\n{self.log()}"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        process_stop(process, timeout=STOP_TIMEOUT_SECONDS)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def close(self) -> None:
        self.stop()
        self._tempdir.cleanup()

    def __enter__(self) -> "LiveServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


@contextlib.contextmanager
def live_server(port: int | None = None, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Run a daphne process for the duration of the block; yields its base URL."""
    with LiveServer(port=port, env=env) as server:
        yield server.url
