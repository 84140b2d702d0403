"""The deployment (Dockerfile, docker-compose.yml, deploy/, .env.example), checked without Docker.

There is no Docker engine here, so what Docker would do is done by hand, from the files
themselves: the build context is copied as .dockerignore says and the Dockerfile's build
step runs in it; compose's migrate command and the Dockerfile's CMD and HEALTHCHECK run
against a scratch PostgreSQL database and redis-servers of the test's own; nginx runs
deploy/nginx.conf in front of the app. What only Docker can show (the images, the
network, its DNS) is checked statically: docs/deployment.md lists both.
"""

import asyncio
import contextlib
import fnmatch
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from channels.layers import channel_layers, get_channel_layer
from websockets.exceptions import ConnectionClosed

from chat import limits, presence
from chat.logging import JsonLinesFormatter
from chat.redis_clients import CHANNEL_LAYER_TIMEOUTS
from tests.conftest import free_port, missing
from tests.local_servers import process_stop, redis_arguments, wait_for_port
from tests.web_clients import (
    Guest,
    frame_of,
    guest_login,
    http_request,
    room_socket,
    send_message,
)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT_SECONDS = 30.0
PRODUCTION_HOST = "chat.example.com"
# What docs/deployment.md tells an operator to change in .env for production behind TLS.
PRODUCTION = {
    "HTTPS": "true",
    "ALLOWED_HOSTS": PRODUCTION_HOST,
    "CSRF_TRUSTED_ORIGINS": f"https://{PRODUCTION_HOST}",
}


# --- Reading the deployment files -------------------------------------------------------------


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


# --- Static checks: what Docker would read -------------------------------------------------


def test_the_dockerfile_builds_a_slim_non_root_image_with_dependencies_in_their_own_layer():
    steps = dockerfile()
    stages: list[str] = []
    for keyword, arguments in steps:
        if keyword == "FROM":
            image, _, name = arguments.partition(" AS ")
            # Each stage starts from a slim Python image or from an earlier stage.
            assert re.match(r"python:3\.\d+-slim", image) or image in stages, arguments
            stages.append(name.strip())
    keywords = [f"{keyword} {arguments}" for keyword, arguments in steps]
    copy_requirements = keywords.index("COPY requirements.txt .")
    install = keywords.index("RUN pip install -r requirements.txt")
    copy_all = keywords.index("COPY . .")
    assert copy_requirements < install < copy_all, "dependencies must not wait for the code"
    build = " ".join(arguments for keyword, arguments in steps if keyword == "RUN")
    assert "collectstatic --noinput" in build
    assert "compilemessages" in build
    user = [arguments for keyword, arguments in steps if keyword == "USER"][-1]
    assert user not in {"root", "0"}
    assert "--uid" in " ".join(arguments for keyword, arguments in steps)


def test_the_entry_point_is_uvicorn_behind_a_proxy_on_all_interfaces():
    command = dockerfile_cmd()
    assert command[0] == "uvicorn"
    assert command[1] == "chatsite.asgi:application"
    assert "--proxy-headers" in command
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert command[command.index("--ws-max-size") + 1] == "65536"
    assert "/healthz" in " ".join(dockerfile_healthcheck())


def test_the_build_context_leaves_out_local_state_and_secrets():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "db.sqlite3", "staticfiles"):
        assert entry in ignored


def test_compose_has_the_four_services_and_a_one_shot_migration():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "nginx"}
    assert services["db"]["image"].startswith("postgres:16")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    redis_command = " ".join(services["redis"]["command"])
    assert services["redis"]["image"].startswith("redis:7")
    assert "--appendonly yes" in redis_command
    assert "redisdata:/data" in services["redis"]["volumes"]
    assert {"pgdata", "redisdata"} <= set(compose()["volumes"])
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["nginx"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_every_service_has_a_health_check_or_is_a_one_shot_and_waits_for_what_it_needs():
    services = compose()["services"]
    image_has_healthcheck = any(keyword == "HEALTHCHECK" for keyword, _ in dockerfile())
    one_shots = {
        name
        for other in services.values()
        for name, wait in other.get("depends_on", {}).items()
        if wait == {"condition": "service_completed_successfully"}
    }
    assert one_shots == {"migrate"}
    for name, service in services.items():
        if name in one_shots:
            assert service.get("restart") == "no", f"{name} must not be restarted"
            continue
        check = service.get("healthcheck")
        if check is None:
            assert "build" in service and image_has_healthcheck, f"{name} has no health check"
        else:
            assert check.get("test") and not check.get("disable"), f"{name}: {check}"
        for dependency, wait in service.get("depends_on", {}).items():
            if dependency not in one_shots:
                assert wait == {"condition": "service_healthy"}, f"{name} -> {dependency}"


def test_web_can_be_scaled_behind_nginx():
    services = compose()["services"]
    web = services["web"]
    # A published host port or a fixed name would make a second replica fail to start.
    assert "ports" not in web and "container_name" not in web
    assert "8000" in [str(port) for port in web["expose"]]
    assert any(port.endswith(":80") for port in services["nginx"]["ports"])
    mounts = services["nginx"]["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in mounts


def test_compose_settings_come_from_env_and_env_example_names_every_variable():
    services = compose()["services"]
    for name in ("migrate", "web"):
        assert services[name]["env_file"] == ".env"
    text = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", text))
    with_default = set(re.findall(r"\$\{(\w+):-", text))
    example = dotenv(ROOT / ".env.example")
    assert required | with_default <= set(example)
    assert {"POSTGRES_PASSWORD", "REDIS_PASSWORD"} <= required
    # No real secrets in the committed file: the operator fills them in.
    assert example["SECRET_KEY"] == example["POSTGRES_PASSWORD"] == example["REDIS_PASSWORD"] == ""


def test_the_deployment_guide_explains_every_setting():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    settings_source = (ROOT / "chatsite" / "settings.py").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    names |= set(dotenv(ROOT / ".env.example"))
    undocumented = sorted(name for name in names if f"`{name}`" not in guide)
    assert not undocumented, f"docs/deployment.md does not explain {undocumented}"
    for step in (
        "cp .env.example .env",
        "docker compose up",
        "docker compose run --rm web python manage.py createsuperuser",
        "--scale web=3",
    ):
        assert step in guide


def test_nginx_passes_websockets_and_the_clients_scheme_to_every_replica():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11" in conf  # Docker's DNS: `web` is every replica
    assert re.search(r"set \$(\w+) http://web:8000;\s*proxy_pass \$\1;", conf)
    assert "proxy_http_version 1.1;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto" in conf
    assert re.search(r"client_max_body_size \d+[km];", conf)
    timeout = re.search(r"proxy_read_timeout (\d+)([smh]);", conf)
    seconds = int(timeout.group(1)) * {"s": 1, "m": 60, "h": 3600}[timeout.group(2)]
    assert seconds >= 300, "idle chat sockets must outlive nginx's read timeout"


def nginx_binary() -> str:
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    if binary is None:
        missing("nginx (apt-get install nginx)")
    return binary


def nginx_config(directory: Path, *, upstream: str, listen: int) -> Path:
    """deploy/nginx.conf in a main config of its own, as the nginx image includes it, with the
    replicas' address and the listening port of this machine instead of Docker's."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("http://web:8000", f"http://{upstream}")
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


def test_the_nginx_config_passes_nginx_t(tmp_path):
    main = nginx_config(tmp_path, upstream="127.0.0.1:8000", listen=free_port())
    result = subprocess.run(
        [nginx_binary(), "-t", "-c", str(main), "-p", str(tmp_path), "-e", str(tmp_path / "e")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- Production settings -------------------------------------------------------------------


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env_example(**PRODUCTION))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_plain_http_trial_settings_are_what_check_deploy_warns_about():
    """.env.example as shipped (http://localhost) is not a production setup, and says so."""
    result = manage("check", "--deploy", env=env_example())
    warned = set(re.findall(r"security\.W\d+", result.stdout + result.stderr))
    assert warned == {"security.W004", "security.W008", "security.W012", "security.W016"}


# --- JSON log lines --------------------------------------------------------------------------


def test_a_log_line_is_one_json_object_with_the_worker_and_the_extra_fields():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("chat.consumers").makeRecord(
            "chat.consumers",
            logging.WARNING,
            __file__,
            1,
            "connect user=%s",
            (7,),
            sys.exc_info(),
            extra={"event": "connect", "user": 7, "room": "lobby"},
        )
    line = JsonLinesFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "connect user=7"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "chat.consumers"
    assert entry["worker"].endswith(f":{os.getpid()}")
    assert (entry["event"], entry["user"], entry["room"]) == ("connect", 7, "lobby")
    assert "ValueError: boom" in entry["exception"]
    assert entry["time"].endswith("+00:00")


# --- Redis: password, TLS, several hosts, Sentinel -------------------------------------------


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


def settings_from(**env: str) -> dict:
    """The Redis settings chatsite/settings.py makes of these variables, read in a fresh process."""
    show = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'layers': s.CHANNEL_LAYERS, 'url': s.REDIS_URL, "
        "'sentinels': s.REDIS_SENTINELS, 'sentinel_password': s.REDIS_SENTINEL_PASSWORD}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env=clean_environment(DEBUG="true", DJANGO_SETTINGS_MODULE="chatsite.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def use_redis_settings(settings, shown: dict) -> None:
    """Run this process on the settings another process made of the environment."""
    settings.CHANNEL_LAYERS = shown["layers"]
    settings.REDIS_URL = shown["url"]
    settings.REDIS_SENTINELS = shown["sentinels"]
    settings.REDIS_SENTINEL_PASSWORD = shown["sentinel_password"]
    settings.CHAT_RATE_LIMIT_MESSAGES = 2
    channel_layers.backends.clear()


async def exercise_redis() -> None:
    """The channel layer, presence and the rate limiter all work on the configured Redis."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("room.deploy", channel)
    await layer.group_send("room.deploy", {"type": "chat.frame", "text": "hi"})
    async with asyncio.timeout(5):
        assert (await layer.receive(channel))["text"] == "hi"
    await layer.flush()

    store = presence.presence_store()
    assert type(store).__name__ == "RedisPresence"
    user = {"id": 41, "name": "deploy", "avatar": "/a1.svg"}
    assert await store.join(room="deploy", user=user, channel_name=channel) is True
    assert await store.counts(rooms=["deploy"]) == {"deploy": 1}
    assert await store.leave(room="deploy", user_id=41, channel_name=channel) is True

    user_id = secrets.randbelow(10**9)
    assert await limits.message_rate_take(user_id=user_id) is None
    assert await limits.message_rate_take(user_id=user_id) is None
    assert await limits.message_rate_take(user_id=user_id) > 0  # the third of 2 allowed


def layer_addresses(shown: dict) -> list[str]:
    """The Redis URLs of the channel layer's hosts, each with the layer's read timeouts."""
    hosts = shown["layers"]["default"]["CONFIG"]["hosts"]
    assert all(host.items() >= CHANNEL_LAYER_TIMEOUTS.items() for host in hosts)
    return [host["address"] for host in hosts]


async def test_a_password_protected_redis_serves_the_layer_presence_and_rate_limits(settings):
    password = secrets.token_hex(16)
    with redis_process(plain("--requirepass", password)) as port:
        shown = settings_from(REDIS_URL=f"redis://:{password}@127.0.0.1:{port}/0")
        assert layer_addresses(shown) == [shown["url"]]
        use_redis_settings(settings, shown)
        await exercise_redis()

        # The password is really needed: without it the same server refuses.
        use_redis_settings(settings, settings_from(REDIS_URL=f"redis://127.0.0.1:{port}/1"))
        with pytest.raises(Exception, match=r"(?i)auth"):
            await exercise_redis()


async def test_several_redis_urls_shard_the_layer_and_keep_presence_on_the_first(settings):
    with redis_process(plain()) as first, redis_process(plain()) as second:
        urls = [f"redis://127.0.0.1:{first}/0", f"redis://127.0.0.1:{second}/0"]
        shown = settings_from(REDIS_URL=",".join(urls))
        assert layer_addresses(shown) == urls
        assert shown["url"] == urls[0]
        use_redis_settings(settings, shown)
        await exercise_redis()

        # Groups are spread over both servers (channels-redis hashes them onto its hosts).
        layer = get_channel_layer()
        channel = await layer.new_channel()
        for number in range(40):
            await layer.group_add(f"room.shard{number}", channel)
        import redis

        for port in (first, second):
            # The pub/sub layer subscribes to a group's channel on the host it hashes to.
            subscribed = redis.Redis(port=port).pubsub_channels("asgi__group__*")
            assert subscribed, f"no groups on :{port}"
        await layer.flush()


def tls_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1."""
    if shutil.which("openssl") is None:
        missing("openssl (to make a test certificate)")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


async def test_rediss_urls_reach_a_tls_redis_for_the_layer_presence_and_rate_limits(
    settings, tmp_path
):
    cert, key = tls_certificate(tmp_path)
    password = secrets.token_hex(16)

    def tls(port: int, directory: Path) -> list[str]:
        return [
            *plain("--requirepass", password)(0, directory),
            "--tls-port",
            str(port),
            "--tls-cert-file",
            str(cert),
            "--tls-key-file",
            str(key),
            "--tls-ca-cert-file",
            str(cert),
            "--tls-auth-clients",
            "no",
        ]

    with contextlib.ExitStack() as stack:
        try:
            port = stack.enter_context(redis_process(tls))
        except RuntimeError as error:
            missing(f"a redis-server built with TLS ({error})")
        url = f"rediss://:{password}@127.0.0.1:{port}/0?ssl_ca_certs={cert}"
        shown = settings_from(REDIS_URL=url)
        assert layer_addresses(shown) == [url]
        use_redis_settings(settings, shown)
        await exercise_redis()

        # The server's certificate is really checked: without the CA it is refused.
        untrusted = f"rediss://:{password}@127.0.0.1:{port}/1"
        use_redis_settings(settings, settings_from(REDIS_URL=untrusted))
        with pytest.raises(Exception, match=r"(?i)certificate"):
            await exercise_redis()


async def test_sentinel_settings_find_the_master_for_the_layer_presence_and_rate_limits(settings):
    password = secrets.token_hex(16)
    with redis_process(plain("--requirepass", password)) as master:

        def sentinel(port: int, directory: Path) -> list[str]:
            conf = directory / "sentinel.conf"
            conf.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
                f"sentinel monitor chatmaster 127.0.0.1 {master} 1\n"
                f"sentinel auth-pass chatmaster {password}\n"
            )
            return [str(conf), "--sentinel"]

        with redis_process(sentinel) as sentinel_port:
            shown = settings_from(
                REDIS_URL=f"redis://:{password}@chatmaster/0",
                REDIS_SENTINELS=f"127.0.0.1:{sentinel_port}",
            )
            host = shown["layers"]["default"]["CONFIG"]["hosts"][0]
            assert host["master_name"] == "chatmaster"
            assert host["sentinels"] == [["127.0.0.1", sentinel_port]]
            assert (host["password"], host["db"]) == (password, 0)
            use_redis_settings(settings, shown)
            await exercise_redis()


def test_sentinel_settings_carry_tls_and_the_sentinels_own_password():
    shown = settings_from(
        REDIS_URL="rediss://:pw@mymaster/2?ssl_ca_certs=/etc/ca.pem",
        REDIS_SENTINELS="10.0.0.1:26379,10.0.0.2",
        REDIS_SENTINEL_PASSWORD="sentinel-pw",
    )
    host = shown["layers"]["default"]["CONFIG"]["hosts"][0]
    assert host == {
        "sentinels": [["10.0.0.1", 26379], ["10.0.0.2", 26379]],
        "master_name": "mymaster",
        "sentinel_kwargs": {"password": "sentinel-pw"},
        "password": "pw",
        "db": 2,
        "ssl": True,
        "ssl_ca_certs": "/etc/ca.pem",
        **CHANNEL_LAYER_TIMEOUTS,
    }


# --- Shared services for the processes under test ----------------------------------------


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


def _ignored(patterns: list[str], relative: str) -> bool:
    return any(
        fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern.removeprefix("**/"))
        for pattern in patterns
    )


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    """What `docker build` makes, outside Docker: the context as .dockerignore leaves it, with
    the Dockerfile's build step (compilemessages, collectstatic) run in it."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    app = tmp_path_factory.mktemp("image") / "app"

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT)
        return {name for name in names if _ignored(patterns, (relative / name).as_posix())}

    shutil.copytree(ROOT, app, ignore=ignore)
    build = next(arguments for keyword, arguments in dockerfile() if "collectstatic" in arguments)
    result = subprocess.run(
        ["sh", "-c", build], cwd=app, env=clean_environment(), capture_output=True, text=True
    )
    assert result.returncode == 0, f"the Dockerfile's build step failed:\n{result.stderr}"
    assert (app / "staticfiles" / "staticfiles.json").exists()
    return app


@pytest.fixture(scope="module")
def services():
    """The database and Redis the app runs against: a scratch database, a Redis of our own."""
    with scratch_postgres() as database_url, redis_process(plain()) as redis_port:
        yield {"DATABASE_URL": database_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}


@pytest.fixture(scope="module")
def migrated(image, services) -> None:
    """compose's `migrate` one-shot: its command, run once before any web process."""
    command = compose()["services"]["migrate"]["command"]
    assert command[0] == "python"
    result = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=image,
        env=clean_environment(**env_example(), **services),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class App:
    """The image's entry point (the Dockerfile's CMD) as a process, on a port of its own."""

    def __init__(self, directory: Path, env: dict[str, str], logs: Path) -> None:
        self.directory, self.env = directory, clean_environment(**env)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stdout_path, self.stderr_path = logs / "stdout", logs / "stderr"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        command = dockerfile_cmd()
        command[command.index("--port") + 1] = str(self.port)
        return [str(VENV_BIN / command[0]), *command[1:]]

    def start(self) -> "App":
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                self.command(), cwd=self.directory, env=self.env, stdout=out, stderr=err
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while self.healthcheck().returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the app did not become healthy:\n{self.output()}")
            time.sleep(0.3)
        return self

    def healthcheck(self) -> subprocess.CompletedProcess:
        """The Dockerfile's HEALTHCHECK command, run as Docker runs it in the container."""
        command = [part.replace(":8000/", f":{self.port}/") for part in dockerfile_healthcheck()]
        assert command[0] == "python"
        return subprocess.run(
            [sys.executable, *command[1:]],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    def stop(self) -> None:
        process_stop(self.process, timeout=15)  # SIGTERM: what `docker stop` sends

    def output(self) -> str:
        return self.stdout_path.read_text() + "\n--- stderr ---\n" + self.stderr_path.read_text()

    def log_lines(self) -> list[dict]:
        """stdout, every line of which must be a JSON object."""
        return [json.loads(line) for line in self.stdout_path.read_text().splitlines()]


@pytest.fixture(scope="module")
def trial_app(image, services, migrated, tmp_path_factory):
    """The app as `docker compose up` runs it with .env.example as shipped: http://localhost.
    A low rate limit, so a test can reach it."""
    env = {**env_example(CHAT_RATE_LIMIT_MESSAGES="3"), **services}
    app = App(image, env, logs=tmp_path_factory.mktemp("trial-app")).start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def production_app(image, services, migrated, tmp_path_factory):
    """The app with the production settings behind TLS (docs/deployment.md)."""
    env = {**env_example(**PRODUCTION), **services}
    app = App(image, env, logs=tmp_path_factory.mktemp("production-app")).start()
    yield app
    app.stop()


@contextlib.contextmanager
def nginx_in_front_of(app: App) -> Iterator[tuple[str, Path]]:
    """deploy/nginx.conf running for real, proxying to ``app``: nginx's base URL, and its
    access log."""
    directory = Path(tempfile.mkdtemp(prefix="chat-deploy-nginx-"))
    port = free_port()
    main = nginx_config(directory, upstream=f"127.0.0.1:{app.port}", listen=port)
    command = [nginx_binary(), "-c", str(main), "-p", str(directory), "-e", str(directory / "e")]
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        try:
            wait_for_port(port, process, what="nginx")
        except RuntimeError as error:
            raise AssertionError(f"{error}: {process.stderr.read().decode()}") from None
        yield f"http://127.0.0.1:{port}", directory / "access.log"
    finally:
        process_stop(process, sig=signal.SIGQUIT)  # graceful: let workers finish and exit
        shutil.rmtree(directory, ignore_errors=True)


# --- The entry point, outside Docker ------------------------------------------------------


def test_the_image_answers_its_health_check(trial_app):
    result = trial_app.healthcheck()
    assert result.returncode == 0, result.stderr
    guest = Guest(name="probe", base_url=trial_app.url, host=trial_app.url.removeprefix("http://"))
    status, _, body = http_request(guest, "GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_the_image_serves_its_collected_static_files_and_compiled_translations(trial_app):
    browser = Guest(name="b", base_url=trial_app.url, host=trial_app.url.removeprefix("http://"))
    status, _, page = http_request(browser, "GET", "/join/", headers={"Accept-Language": "zh-CN"})
    assert status == 200 and "加入聊天" in page  # "Join the chat"
    stylesheet = re.search(r'href="(/static/chat/style\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "collectstatic's hashed names are in the page"
    status, headers, _ = http_request(browser, "GET", stylesheet.group(1))
    assert status == 200 and "immutable" in headers["Cache-Control"]  # whitenoise


async def test_the_image_carries_a_message_from_one_socket_to_another(trial_app):
    alice, bob = guest_login(trial_app.url), guest_login(trial_app.url)
    async with await room_socket(alice) as alice_socket, await room_socket(bob) as bob_socket:
        await frame_of(alice_socket, "synced")
        await frame_of(bob_socket, "synced")
        ack = await send_message(alice_socket, "hello over plain http")
        assert ack["type"] == "ack"
        received = await frame_of(bob_socket, "message")
        assert received["message"]["id"] == ack["id"]
        assert received["message"]["body"] == "hello over plain http"


async def test_the_image_drops_frames_over_64_kib_before_the_app_reads_them(trial_app):
    guest = guest_login(trial_app.url)
    async with await room_socket(guest) as socket_:
        me = (await frame_of(socket_, "welcome"))["me"]
        await socket_.send("x" * (64 * 1024 + 1))
        with pytest.raises(ConnectionClosed):
            await frame_of(socket_, "never")
    # uvicorn (--ws-max-size) closes with 1009 itself; the app, had it read the frame,
    # would have closed with 1009 too, but logged frame_too_big.
    assert socket_.close_code == 1009
    events = [line.get("event") for line in trial_app.log_lines() if line.get("user") == me["id"]]
    assert "frame_too_big" not in events


async def test_logs_are_json_lines_naming_user_room_and_worker_but_never_the_words(trial_app):
    guest = guest_login(trial_app.url)
    secret = f"private words {secrets.token_hex(8)}"
    async with await room_socket(guest) as socket_:
        me = (await frame_of(socket_, "welcome"))["me"]
        frames: list[dict] = []
        answers = [await send_message(socket_, f"{secret} #{n}", skipped=frames) for n in range(4)]
        # Every echo is in before closing: a send racing the close is another matter.
        acked = {answer["id"] for answer in answers if answer["type"] == "ack"}
        echoed = {frame["message"]["id"] for frame in frames if frame["type"] == "message"}
        for _ in acked - echoed:
            await frame_of(socket_, "message")
    assert [answer["type"] for answer in answers] == ["ack", "ack", "ack", "error"]
    assert answers[-1]["code"] == "rate_limited"

    def mine() -> dict[str, dict]:
        lines = [line for line in trial_app.log_lines() if line.get("user") == me["id"]]
        return {line.get("event"): line for line in lines}

    deadline = time.monotonic() + 15
    while "disconnect" not in mine() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    lines = mine()
    assert {"connect", "rate_limited", "disconnect"} <= set(lines), trial_app.output()
    for event in ("connect", "rate_limited", "disconnect"):
        line = lines[event]
        assert line["room"] == "lobby", line
        assert line["worker"].endswith(f":{trial_app.process.pid}"), line
        assert {"time", "level", "logger", "message"} <= set(line)
    assert "private words" not in trial_app.output()


def test_production_redirects_to_https_and_sends_hsts_and_secure_cookies(production_app):
    assert production_app.healthcheck().returncode == 0  # Host and scheme as Docker asks

    browser = Guest(name="b", base_url=production_app.url, host=PRODUCTION_HOST)
    status, headers, _ = http_request(browser, "GET", "/join/")
    assert status == 301
    assert headers["Location"] == f"https://{PRODUCTION_HOST}/join/"

    browser = Guest(name="b", base_url=production_app.url, host=PRODUCTION_HOST, https=True)
    status, headers, _ = http_request(browser, "GET", "/join/")
    assert status == 200
    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert "; Secure" in headers["Set-Cookie"] or "; secure" in headers["Set-Cookie"]

    # Another host name is refused, whatever the proxy says.
    stranger = Guest(name="s", base_url=production_app.url, host="evil.example", https=True)
    assert http_request(stranger, "GET", "/join/")[0] == 400


async def test_nginx_proxies_pages_and_websockets_over_plain_http(trial_app):
    with nginx_in_front_of(trial_app) as (site, access_log):
        guest = guest_login(site)  # Host 127.0.0.1:<nginx port>: kept with its port
        status, _, _ = http_request(guest, "GET", "/healthz")
        assert status == 200
        # nginx writes the line once the response is out: a moment after the client has it.
        deadline = time.monotonic() + 5
        while "/healthz" not in access_log.read_text() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        requests = [json.loads(line) for line in access_log.read_text().splitlines()]
        assert requests[-1]["path"] == "/healthz" and requests[-1]["status"] == 200
        assert requests[-1]["upstream"] == f"127.0.0.1:{trial_app.port}"
        async with await room_socket(guest) as tab_1, await room_socket(guest) as tab_2:
            await frame_of(tab_1, "synced")
            await frame_of(tab_2, "synced")
            ack = await send_message(tab_1, "through nginx")
            echoed = await frame_of(tab_2, "message")
            assert ack["type"] == "ack" and echoed["message"]["id"] == ack["id"]
            await tab_2.send(json.dumps({"type": "ping"}))
            await frame_of(tab_2, "pong")


async def test_nginx_behind_a_tls_proxy_serves_the_production_app(production_app):
    with nginx_in_front_of(production_app) as (site, _):
        # As a TLS load balancer in front of nginx would send it: the site's name and https.
        guest = guest_login(site, host=PRODUCTION_HOST, https=True)
        async with await room_socket(guest) as socket_:
            await frame_of(socket_, "synced")
            ack = await send_message(socket_, "through a TLS proxy and nginx")
            assert ack["type"] == "ack"
        # Without the proxy's https, nginx reports its own scheme and Django redirects.
        plain_browser = Guest(name="p", base_url=site, host=PRODUCTION_HOST)
        status, headers, _ = http_request(plain_browser, "GET", "/")
        assert status == 301 and headers["Location"].startswith("https://")
