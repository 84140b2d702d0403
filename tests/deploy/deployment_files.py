"""Reading the deployment files (Dockerfile, docker-compose.yml, .env.example, deploy/)
as Docker would, and running manage.py with a container's environment."""

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from devtools.loopback import free_port, process_stop, redis_arguments, wait_for_port
from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT_SECONDS = 30.0
PRODUCTION_HOST = "chat.example.com"
# What docs/deployment.md tells an operator to change in .env for production behind TLS.
PRODUCTION = {
    "HTTPS": "true",
    "ALLOWED_HOSTS": PRODUCTION_HOST,
    "CSRF_TRUSTED_ORIGINS": f"https://{PRODUCTION_HOST}",
}


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).strip().partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def dockerfile_cmd() -> list[str]:
    """The entry point command: the last CMD, in exec form (JSON)."""
    return json.loads([arguments for keyword, arguments in dockerfile() if keyword == "CMD"][-1])


def dockerfile_healthcheck() -> list[str]:
    arguments = [arguments for keyword, arguments in dockerfile() if keyword == "HEALTHCHECK"][-1]
    return json.loads(arguments[arguments.index("CMD ") + 4 :])


def dotenv(path: Path) -> dict[str, str]:
    """KEY=value lines, as docker compose reads an env file (no quoting used here)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_example(**overrides: str) -> dict[str, str]:
    """.env.example with its secrets filled in, as an operator does before `docker compose up`."""
    values = dotenv(ROOT / ".env.example")
    for key in ("SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD"):
        values[key] = values[key] or secrets.token_urlsafe(50)
    return {**values, **overrides}


def clean_environment(**variables: str) -> dict[str, str]:
    """A container's environment: nothing from the test process (which sets DEBUG=true)."""
    return {
        "PATH": f"{VENV_BIN}{os.pathsep}/usr/sbin{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": tempfile.gettempdir(),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        **variables,
    }


def nginx_binary() -> str:
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    if binary is None:
        missing("nginx (apt-get install nginx)")
    return binary


COMPOSE_MEDIA_ROOT = "/data/media"


def compose_app_environment(*, media_root: Path) -> dict[str, str]:
    """What docker-compose.yml sets for the app besides its database and Redis, with this
    machine's folder for the media volume."""
    environment = dict(compose()["services"]["web"]["environment"])
    for name in ("DATABASE_URL", "REDIS_URL"):
        environment.pop(name)
    assert environment["MEDIA_ROOT"] == COMPOSE_MEDIA_ROOT
    return {**environment, "MEDIA_ROOT": str(media_root)}


def nginx_config(directory: Path, *, upstream: str, listen: int, media_root: str = "") -> Path:
    """deploy/nginx.conf in a main config of its own, as the nginx image includes it, with the
    replicas' address, the listening port and the media folder of this machine instead of
    Docker's."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("http://web:8000", f"http://{upstream}")
    if media_root:
        site = site.replace(f"alias {COMPOSE_MEDIA_ROOT}/;", f"alias {media_root}/;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("/var/log/nginx/", f"{directory}/")
    (directory / "site.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = directory / "nginx.conf"
    main.write_text(
        ("user nobody nogroup;\n" if os.geteuid() == 0 else "")
        + f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\n"
        + "worker_processes 1;\nevents {}\n"
        + f"http {{\n    access_log {directory}/access.log;\n{temp_paths}\n"
        + f"    include {directory}/site.conf;\n}}\n"
    )
    return main


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextlib.contextmanager
def redis_process(arguments: Callable[[int, Path], list[str]]) -> Iterator[int]:
    """A redis-server of the test's own: ``arguments(port, directory)`` after the binary."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server")
    port, directory = free_port(), Path(tempfile.mkdtemp(prefix="chat-deploy-redis-"))
    log = directory / "redis.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [binary, *arguments(port, directory)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        try:
            wait_for_port(port, process, what="redis-server")
        except RuntimeError as error:
            raise RuntimeError(f"{error}:\n{log.read_text()}") from None
        yield port
    finally:
        process_stop(process)
        shutil.rmtree(directory, ignore_errors=True)


def plain(*extra: str) -> Callable[[int, Path], list[str]]:
    return lambda port, directory: redis_arguments(port, directory, *extra)


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    """A new database on the test PostgreSQL (DATABASE_URL), dropped afterwards."""
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        missing("PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    name = f"chat_deploy_{secrets.token_hex(4)}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        missing(f"PostgreSQL at {parts.hostname}:{parts.port} ({error})")
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
