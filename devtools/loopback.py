"""Throwaway processes on loopback (redis-server, nginx, the app) for the tests and the bench."""

import contextlib
import signal
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT_SECONDS = 10.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_arguments(port: int, directory: Path | str, *extra: str) -> list[str]:
    """redis-server's arguments for a loopback server that keeps nothing on disk."""
    return [
        *("--port", str(port), "--bind", "127.0.0.1"),
        *("--save", "", "--appendonly", "no", "--dir", str(directory)),
        *extra,
    ]


def process_stop(
    process: subprocess.Popen | None, *, timeout: float = 10.0, sig: int = signal.SIGTERM
) -> None:
    """Ask ``process`` to stop with ``sig``; kill it if it is still there after ``timeout``."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_tail(log: Path | None, lines: int = 40) -> str:
    if log is None:
        return ""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def wait_for_port(
    port: int,
    process: subprocess.Popen,
    *,
    what: str,
    timeout: float = START_TIMEOUT_SECONDS,
    log: Path | None = None,
) -> None:
    """Return once ``port`` accepts connections; RuntimeError (with the end of ``log``)
    if ``process`` exits or is slow."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited {process.returncode}:\n{log_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start on port {port}:\n{log_tail(log)}")
        time.sleep(0.05)
