"""The old page's scenarios: a login storm (``legacy-login``) and a room chatting
(``legacy-chat``), over /ws/legacy/<slug>/.

1. Connect: every socket opens and reads its ``handShake`` (at most ``concurrency``
   handshakes at a time, ``connect_s``).
2. Login: all ``login`` frames go out at once; logged in means the socket's own ``login``
   frame came back (``login_s``: until the last one; ``login_failed``: refused by a
   ``system`` notice, closed, or not in within ``login_timeout``).
3. The presence frames die down; ``user_lists_complete`` counts the pages whose latest
   ``user_list`` names everyone logged in to their room.
4. legacy-chat only: senders post ``user`` frames at the rate for the window, then the
   drain waits until every send reached every member.
"""

import asyncio
import time

from bench import measure
from bench.legacy_clients import (
    LegacyClient,
    LegacyRun,
    legacy_close,
    legacy_connect,
    legacy_login,
    legacy_send,
)
from bench.scenario import Scenario, Target

LOGIN_TIMEOUT_SECONDS = 120.0
NOTICES_KEPT = 5  # the most frequent refusals, in words, in the result


async def run_legacy(
    scenario: Scenario,
    target: Target,
    *,
    concurrency: int,
    drain_timeout: float,
    settle_max: float,
    login_timeout: float = LOGIN_TIMEOUT_SECONDS,
    on_window=None,
) -> dict:
    """``on_window(seconds)`` is called as the measured phase opens: the logins for
    legacy-login (for ``duration`` s of them), the send window for legacy-chat."""
    run = LegacyRun()
    clients = [
        LegacyClient(i, target.room_slugs[i % scenario.rooms], run.name(i))
        for i in range(scenario.users)
    ]
    result: dict = {"bench": "legacy"}
    rss_before = measure.rss(target.pids)
    gate = asyncio.Semaphore(concurrency)
    started = time.perf_counter()
    try:
        # A socket that never shook hands is one that failed to log in: counted, not fatal.
        outcomes = await asyncio.gather(
            *(legacy_connect(run, target, client, gate) for client in clients),
            return_exceptions=True,
        )
        result["connect_s"] = round(time.perf_counter() - started, 3)
        result["connect_retries"] = run.connect_retries
        result["connect_failed"] = sum(isinstance(o, BaseException) for o in outcomes)
        result["connect_ms"] = measure.timings_ms(
            [o for o in outcomes if not isinstance(o, BaseException)], digits=1
        )
        if on_window is not None and scenario.kind == "legacy-login":
            on_window(scenario.duration)
        await _login_all(run, clients, target, result, login_timeout)
        result["rss_kib"] = measure.rss(target.pids)
        result["rss_per_conn_kib"] = round((result["rss_kib"] - rss_before) / scenario.users, 1)
        # The login and logout frames of the crowd (batched by the server) die down; then
        # each page's latest user_list should name everyone in its room.
        settle, result["settled"] = await measure.quiet(lambda: run.last_frame, settle_max)
        result["settle_s"] = round(settle, 3)
        result["user_lists_complete"] = sum(
            client.joined and client.online == run.members[client.room] for client in clients
        )
        if scenario.kind == "legacy-chat":
            if on_window is not None:
                on_window(scenario.duration)
            await _chat(run, scenario, clients, target, result, drain_timeout)
    finally:
        result["disconnects"] = run.disconnects  # before our own closes
        result["close_codes"] = {str(code): n for code, n in run.close_codes.items()}
        await legacy_close(clients)
    return result


async def _login_all(run, clients, target, result, login_timeout) -> None:
    """Every ``login`` at once; the login phase is the generator's window for this kind."""
    before = (measure.cpu(target.pids), measure.self_cpu())
    run.login_started = time.perf_counter()
    shaken = [client for client in clients if client.task is not None]
    # A socket the server closed since its handshake fails to send: it waits for nothing.
    await asyncio.gather(*(legacy_login(client) for client in shaken), return_exceptions=True)
    waits = [asyncio.ensure_future(client.logged_in.wait()) for client in shaken]
    _done, late = await asyncio.wait(waits, timeout=login_timeout) if waits else ((), ())
    for wait in late:
        wait.cancel()
    elapsed = time.perf_counter() - run.login_started
    after = (measure.cpu(target.pids), measure.self_cpu())
    logged_in = sum(client.joined for client in clients)
    login_times = list(run.login_times)
    result.update(
        {
            "login_s": round(max(login_times), 3) if login_times else None,
            "login_ms": measure.timings_ms(login_times, digits=1),
            "logged_in": logged_in,
            "login_failed": len(clients) - logged_in,
            "refusals": dict(run.notices.most_common(NOTICES_KEPT)),  # before any chat
            "presence_frames": dict(run.presence_frames),
            "server_cpu_s": round(after[0] - before[0], 2),
            "generator_cpu_s": round(after[1] - before[1], 2),
            "window_s": round(elapsed, 3),
        }
    )


async def _chat(run, scenario, clients, target, result, drain_timeout) -> None:
    loop = asyncio.get_running_loop()
    redis_pids = [target.redis_pid] if target.redis_pid else []
    before = (measure.cpu(target.pids), measure.cpu(redis_pids), measure.self_cpu())
    window_started = time.perf_counter()
    wall_start = time.time()
    run.window = (wall_start, wall_start + scenario.duration)
    start = loop.time()
    senders = [client for client in clients[: scenario.senders] if client.joined]
    await asyncio.gather(
        *(legacy_send(run, client, n, scenario, start) for n, client in enumerate(senders))
    )
    drain_started = time.monotonic()
    while run.received < run.expected and time.monotonic() - drain_started < drain_timeout:
        await asyncio.sleep(0.05)
    drain = time.monotonic() - drain_started
    after = (measure.cpu(target.pids), measure.cpu(redis_pids), measure.self_cpu())
    server_cpu, redis_cpu, own_cpu = (b - a for a, b in zip(before, after, strict=True))
    result.update(
        {
            "sent": run.sent,
            "expected": run.expected,
            "received": run.received,
            "lost": run.expected - run.received,
            "duplicates": run.duplicates,
            "notices": dict(run.notices),
            "offered_dps": round(run.expected / scenario.duration, 1),
            "deliveries_per_s": round(run.in_window / scenario.duration, 1),
            "drain_s": round(drain, 3),
            "latency_ms": measure.timings_ms(run.latencies),
            "server_cpu_s": round(server_cpu, 2),
            "redis_cpu_s": round(redis_cpu, 2),
            "generator_cpu_s": round(own_cpu, 2),
            "window_s": round(time.perf_counter() - window_started, 3),
            "cpu_s_per_1k": round((server_cpu + redis_cpu) / run.received * 1000, 4)
            if run.received
            else None,
        }
    )
