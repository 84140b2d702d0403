"""Joining through the real form (``join``): N guests through GET+POST /join/, at most
``join_concurrency`` at a time, timed (``login_s``), then every one that got a session
connects over the socket as the chat scenario does (``connect_s``).

A failed join (an HTTP error, a refused form, a socket error or timeout) is counted by kind
in ``join_failures``; the ones that joined still connect.
"""

import asyncio
from dataclasses import replace

from bench import measure
from bench.chat_scenario import run_chat
from bench.guests import guests_join_counted
from bench.scenario import Scenario, Target


async def run_join(
    scenario: Scenario,
    target: Target,
    *,
    concurrency: int,
    join_concurrency: int,
    settle_max: float,
) -> dict:
    before = (measure.cpu(target.pids), measure.self_cpu())
    sessions, seconds, failures, times = await asyncio.to_thread(
        guests_join_counted, target.http_urls, scenario.users, join_concurrency
    )
    after = (measure.cpu(target.pids), measure.self_cpu())
    joined = [session for session in sessions if session is not None]
    joins = {
        "login_s": round(seconds, 3),
        "login_ms": measure.timings_ms(times, digits=1),
        "logged_in": len(joined),
        "login_failed": scenario.users - len(joined),
        "join_failures": dict(failures),
        "join_concurrency": join_concurrency,
        # The generator's work here is threads waiting on HTTP (and any proof of work).
        "server_cpu_s": round(after[0] - before[0], 2),
        "generator_cpu_s": round(after[1] - before[1], 2),
        "window_s": round(seconds, 3),
    }
    if not joined:
        return {"bench": "chat", **joins}
    # The sockets: user i of the joined ones on worker i mod W, idle.
    connected = await run_chat(
        replace(scenario, users=len(joined), senders=0),
        replace(target, sessions=joined),
        concurrency=concurrency,
        drain_timeout=0,
        settle_max=settle_max,
    )
    connected.pop("generator_cpu_s", None)  # the join phase's are the run's
    connected.pop("window_s", None)
    return {**connected, **joins, "connected": len(joined) - connected["disconnects"]}
