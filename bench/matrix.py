"""The standard benchmark matrix: every scenario on the baseline and on each app setup.

    python -m bench.matrix                 # the full matrix (`make bench`)
    python -m bench.matrix --quick         # small N, short windows: a minute or two
    python -m bench.matrix --scenario room-1000 --server daphne --workers 2 --layer pubsub

For each scenario it runs the bare-websockets baseline first, then the app on each
(server, workers, layer) setup: a fresh Redis and fresh server processes per run, one
PostgreSQL database (``chat_bench``) and one set of guests for the whole matrix. It
prints one JSON line per run, then a Markdown table, and writes both to bench/results/.
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench import profile, report, servers
from bench.loadgen import run_scenario
from bench.scenario import Scenario, Target

RESULTS = Path(__file__).resolve().parent / "results"
DATABASE = "chat_bench"

SCENARIOS = {
    # name: (users, rooms, senders, messages/s per sender, kind)
    "chat-100": Scenario("100u 1 room 10×20/s", 100, 1, 10, 20.0),
    "room-1000": Scenario("1000u 1 room 10×2/s", 1000, 1, 10, 2.0),
    "rooms-50": Scenario("1000u 50 rooms 50×2/s", 1000, 50, 50, 2.0),
    "idle-5000": Scenario("5000u 50 rooms idle", 5000, 50),
    "idle-10000": Scenario("10000u 50 rooms idle", 10000, 50),
    "sends-1000": Scenario("100u 1 room 100×10/s", 100, 1, 100, 10.0),
    "legacy-login-1000": Scenario("1000 old pages log in", 1000, 1, kind="legacy-login"),
    "legacy-chat": Scenario("100 old pages 10×20/s", 100, 1, 10, 20.0, kind="legacy-chat"),
    "join-1000": Scenario("1000 guests join by form", 1000, 1, kind="join"),
    "reconnect-storm": Scenario("200u 1 room 10×5/s storm", 200, 1, 10, 5.0, kind="storm"),
}
QUICK = {
    "chat-100": Scenario("20u 1 room 4×10/s", 20, 1, 4, 10.0),
    "room-1000": Scenario("200u 1 room 4×2/s", 200, 1, 4, 2.0),
    "rooms-50": Scenario("200u 10 rooms 10×2/s", 200, 10, 10, 2.0),
    "idle-5000": Scenario("500u 10 rooms idle", 500, 10),
    "idle-10000": Scenario("1000u 10 rooms idle", 1000, 10),
    "sends-1000": Scenario("20u 1 room 10×5/s", 20, 1, 10, 5.0),
    "legacy-login-1000": Scenario("200 old pages log in", 200, 1, kind="legacy-login"),
    "legacy-chat": Scenario("20 old pages 4×10/s", 20, 1, 4, 10.0, kind="legacy-chat"),
    "join-1000": Scenario("50 guests join by form", 50, 1, kind="join"),
    "reconnect-storm": Scenario("40u 1 room 4×5/s storm", 40, 1, 4, 5.0, kind="storm"),
}
# Files the generator holds besides its users' sockets: its own, PostgreSQL, logs, /proc.
FD_MARGIN = 200
SERVERS = ["daphne", "uvicorn"]
WORKERS = [1, 2]
LAYERS = ["core", "pubsub"]


def machine() -> dict:
    with open("/proc/cpuinfo") as cpuinfo:
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
            platform.processor(),
        )
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def tree() -> dict:
    """The commit under test, and the app files that differ from it (others may be editing)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=servers.PROJECT_ROOT, capture_output=True, text=True, check=False
        ).stdout.rstrip()

    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "modified": git("status", "--short", "--", "chat", "chatsite").splitlines(),
    }


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def wait_quiet(max_load: float | None, patience: float) -> None:
    """Wait (up to ``patience`` s) for the 1-minute load to drop below ``max_load``."""
    if max_load is None:
        return
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        time.sleep(5)


def guests_make(*, env: dict, users: int, rooms: int, workdir: Path) -> tuple[dict, float]:
    """Session keys and room slugs from bench.users (the database shortcut)."""
    out = workdir / "guests.json"
    started = time.perf_counter()
    subprocess.run(
        [
            servers.PYTHON,
            "-m",
            "bench.users",
            "--count",
            str(users),
            "--rooms",
            str(rooms),
            "--out",
            str(out),
        ],
        cwd=servers.PROJECT_ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text()), time.perf_counter() - started


def run_one(
    *, scenario: Scenario, setup: tuple, guests: dict, database_url: str, workdir: Path, arguments
) -> dict:
    server, workers, layer = setup
    redis = servers.Redis().start(workdir) if layer in ("core", "pubsub") else None
    processes = None
    recorders: list[tuple[int, Path, subprocess.Popen]] = []
    try:
        if server == "baseline":
            processes = servers.Baseline(workdir).start()
            target = Target("baseline", processes.ws_urls, guests["rooms"], None, processes.pids)
        else:
            env = servers.app_env(
                database_url=database_url,
                redis_url=redis.url if redis else "",
                layer=layer,
                extra=dict(arguments.env),
            )
            processes = servers.AppServers(server, workers, env, workdir).start()
            label = f"{server} ×{workers} {layer}"
            target = Target(
                label,
                processes.ws_urls,
                guests["rooms"],
                guests["sessions"],
                processes.pids,
                redis.pid if redis else None,
            )

        def on_window(seconds: float) -> None:
            if arguments.profile:
                for pid in target.pids:
                    out = workdir / f"profile-{server}-{pid}.txt"
                    recorders.append((pid, out, profile.record(pid=pid, seconds=seconds, out=out)))

        result = asyncio.run(
            run_scenario(
                scenario,
                target,
                concurrency=arguments.concurrency,
                join_concurrency=arguments.join_concurrency,
                drain_timeout=arguments.drain,
                settle_max=arguments.settle_max,
                on_window=on_window,
            )
        )
        result.update(
            {
                "server": server,
                "layer": layer if server != "baseline" else None,
                "env": dict(arguments.env) if server != "baseline" else {},
            }
        )
        for pid, out, recorder in recorders:
            recorder.wait()
            total, own, anywhere = profile.summarise(out, top=15)
            result.setdefault("profile", []).append(
                {"pid": pid, "file": str(out), "samples": total, "self": own, "total": anywhere}
            )
        if isinstance(processes, servers.AppServers):
            processes.stop()  # their last log lines written
            result["gaps"] = processes.gaps()
        return result
    except Exception as error:  # one failed run must not lose the others
        logs = processes.logs() if isinstance(processes, servers.AppServers) else ""
        return {
            "bench": "chat",
            "scenario": scenario.name,
            "target": f"{server} ×{workers} {layer}",
            "server": server,
            "workers": workers,
            "layer": layer,
            "error": f"{type(error).__name__}: {error}",
            "log_tail": logs[-2000:],
        }
    finally:
        if processes is not None:
            processes.stop()
        if redis is not None:
            redis.stop()


def with_ratios(results: list[dict]) -> list[dict]:
    """Each result's CPU per delivery relative to the median of its scenario's baseline runs."""
    runs: dict[str, list[float]] = {}
    for r in results:
        if r.get("server") == "baseline" and r.get("cpu_s_per_1k"):
            runs.setdefault(r["scenario"], []).append(r["cpu_s_per_1k"])
    baseline = {scenario: statistics.median(values) for scenario, values in runs.items()}
    for result in results:
        reference, own = baseline.get(result["scenario"]), result.get("cpu_s_per_1k")
        result["ratio"] = round(own / reference, 1) if reference and own else None
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small N and short windows")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    parser.add_argument("--server", action="append", choices=SERVERS)
    parser.add_argument("--workers", action="append", type=int, choices=WORKERS)
    parser.add_argument(
        "--layer",
        action="append",
        choices=[*LAYERS, "memory"],
        help="memory: Channels' in-memory layer, 1 worker only",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--duration", type=float, help="send window, s (default 10, quick 3)")
    parser.add_argument(
        "--drain",
        type=float,
        default=15.0,
        help="s to wait after the window for late deliveries before counting lost",
    )
    parser.add_argument(
        "--settle-max",
        type=float,
        default=180.0,
        help="s to wait for the join announcements to die down",
    )
    parser.add_argument("--concurrency", type=int, default=50, help="handshakes at once")
    parser.add_argument(
        "--join-concurrency", type=int, default=16, help="join-1000: HTTP joins at once"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="repeat each (scenario, setup) this many times"
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the servers in the window")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        type=lambda s: s.split("=", 1),
        help="extra app environment, e.g. --env CONN_MAX_AGE=60",
    )
    parser.add_argument(
        "--max-load",
        type=float,
        help="before each run, wait (up to 120 s) for the 1-min load below this",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave chat_bench in PostgreSQL")
    arguments = parser.parse_args()
    catalogue = QUICK if arguments.quick else SCENARIOS
    duration = arguments.duration or (3.0 if arguments.quick else 10.0)
    scenarios = [
        replace(catalogue[name], duration=duration) for name in (arguments.scenario or catalogue)
    ]
    setups = [
        (server, workers, layer)
        for server in (arguments.server or SERVERS)
        for workers in (arguments.workers or WORKERS)
        for layer in (arguments.layer or LAYERS)
        if not (layer == "memory" and workers > 1)
    ]
    fd_limit = raise_fd_limit()
    needed = max(scenario.users for scenario in scenarios) + FD_MARGIN
    if fd_limit < needed:  # every user is a socket of this one process
        parser.exit(2, f"the generator needs {needed} open files; the hard limit is {fd_limit}\n")
    workdir = servers.workdir()
    command = " ".join(
        shlex.quote(part)
        for part in [Path(sys.executable).name, "-m", "bench.matrix", *sys.argv[1:]]
    )
    header = {
        "command": command,
        "runs": arguments.runs,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "fd_limit": fd_limit,
        "tree": tree(),
        "load_start": os.getloadavg(),
    }
    print(json.dumps(header), flush=True)
    database_url = servers.database_create(DATABASE)
    results: list[dict] = []
    try:
        # Sessions only for the kinds that connect with one (the old page and the join form
        # make their own users); rooms for all.
        guests, login_s = guests_make(
            env=servers.app_env(database_url=database_url),
            users=max((s.users for s in scenarios if s.needs_sessions), default=1),
            rooms=max(scenario.rooms for scenario in scenarios),
            workdir=workdir,
        )
        header["db_login_s"] = round(login_s, 2)
        for scenario in scenarios:
            baseline = scenario.on_baseline and not arguments.no_baseline
            plan = ([("baseline", 1, None)] if baseline else []) + setups
            for setup in plan:
                for number in range(1, arguments.runs + 1):
                    wait_quiet(arguments.max_load, 120)
                    result = run_one(
                        scenario=scenario,
                        setup=setup,
                        guests=guests,
                        database_url=database_url,
                        workdir=workdir,
                        arguments=arguments,
                    )
                    result["run"] = number
                    results.append(result)
                    print(json.dumps(result), flush=True)
    finally:
        if not arguments.keep_db:
            servers.database_drop(DATABASE)
    with_ratios(results)
    header["load_end"] = os.getloadavg()
    done = [r for r in results if "error" not in r]
    markdown = "\n\n".join([report.summary(done), report.table(done)])
    failures = [f"- {r['scenario']} / {r['target']}: {r['error']}" for r in results if "error" in r]
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps({**header, "results": results}, indent=1))
    (RESULTS / f"{stamp}.md").write_text(
        "\n".join([f"`{command}` — {header['date']}", "", markdown, "", *failures, ""])
    )
    print(markdown)
    print("\n".join(failures))
    print(f"\nwritten: bench/results/{stamp}.json and .md", file=sys.stderr)


if __name__ == "__main__":
    main()
