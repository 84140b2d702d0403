"""Where a server process spends its time: py-spy samples, summarised by function.

    python -m bench.profile record --pid 1234 --seconds 10 --out /tmp/daphne.txt
    python -m bench.profile summary /tmp/daphne.txt --top 25

``record`` runs ``py-spy record --format raw`` (collapsed stacks, one line per stack with
its sample count; idle threads are left out). ``summary`` prints, per function, its self
share (samples where it is the innermost frame) and its total share (samples where it is
anywhere on the stack), in percent of the process's non-idle samples.
"""

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise RuntimeError("py-spy is not installed (pip install py-spy)")
    return found


def record(*, pid: int, seconds: float, out: Path, rate: int = 100) -> subprocess.Popen:
    """Start sampling ``pid`` for ``seconds`` in the background; wait() on the result."""
    return subprocess.Popen(
        [
            py_spy(),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _frames(stack: str) -> list[str]:
    # "process;thread;outer (file:line);...;inner (file:line)" -> function (file) names
    frames = []
    for frame in stack.split(";"):
        name, _, where = frame.partition(" (")
        where = where.rsplit(":", 1)[0]
        for marker in ("site-packages/", "lib/python3.11/", "/work/main/"):
            if marker in where:
                where = where.split(marker, 1)[1]
        frames.append(f"{name} ({where})" if where else name)
    return frames


def summarise(path: Path, top: int = 25) -> tuple[int, list, list]:
    """(samples, [(self %, function)], [(total %, function)]) of one raw py-spy file."""
    own, anywhere, total = Counter(), Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = _frames(stack)
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        for name in set(frames[1:]):  # skip the process/thread label
            anywhere[name] += samples
    if not total:
        return 0, [], []

    def share(counter: Counter) -> list[tuple[float, str]]:
        return [(round(100 * n / total, 1), name) for name, n in counter.most_common(top)]

    return total, share(own), share(anywhere)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record")
    rec.add_argument("--pid", type=int, required=True)
    rec.add_argument("--seconds", type=float, default=10)
    rec.add_argument("--out", type=Path, required=True)
    summary = commands.add_parser("summary")
    summary.add_argument("path", type=Path)
    summary.add_argument("--top", type=int, default=25)
    arguments = parser.parse_args()
    if arguments.command == "record":
        sys.exit(record(pid=arguments.pid, seconds=arguments.seconds, out=arguments.out).wait())
    total, own, anywhere = summarise(arguments.path, arguments.top)
    print(f"{total} samples\n\nself %  function")
    for percent, name in own:
        print(f"{percent:6.1f}  {name}")
    print("\ntotal %  function")
    for percent, name in anywhere:
        print(f"{percent:6.1f}  {name}")


if __name__ == "__main__":
    main()
