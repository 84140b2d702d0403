"""Waiting on conditions over test clients: a Signal woken by every change, and wait_all."""

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.chat_client import ChatClient


class Signal:
    """Wakes everyone waiting on a condition whenever a client it serves changes.

    Several clients may share one, so that a test can wait for a condition over all of them.
    """

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[], bool], *, timeout: float, what: Callable[[], str] | str
    ) -> float:
        """Return once ``predicate()`` holds (seconds waited); AssertionError after ``timeout``."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._changed.wait()
        except TimeoutError:
            detail = what() if callable(what) else what
            raise AssertionError(f"not within {timeout:g} s: {detail}") from None
        return time.monotonic() - started

    async def happens_within(self, predicate: Callable[[], bool], *, timeout: float) -> bool:
        """Whether ``predicate()`` comes to hold within ``timeout`` seconds (for "never")."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._changed.wait()
        except TimeoutError:
            return False
        return True


async def wait_all(
    clients: list["ChatClient"],
    predicate: Callable[["ChatClient"], bool],
    *,
    timeout: float,
    what: str,
) -> float:
    """Wait until ``predicate`` holds for every client (they must share one Signal)."""
    signals = {id(client.signal) for client in clients}
    assert len(signals) == 1, "wait_all needs clients that share one Signal"
    return await clients[0].signal.wait_for(
        lambda: all(predicate(client) for client in clients),
        timeout=timeout,
        what=lambda: (
            f"{what}; "
            + "; ".join(client.describe() for client in clients if not predicate(client))
        ),
    )
