"""Starting throwaway servers (redis-server, nginx) on loopback for tests."""

import contextlib
import signal
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT_SECONDS = 10.0


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


def wait_for_port(port: int, process: subprocess.Popen, *, what: str) -> None:
    """Return once ``port`` accepts connections; RuntimeError if ``process`` exits or is slow."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start on port {port}")
        time.sleep(0.05)
