"""The processes under test for the entry point: a scratch PostgreSQL database, redis-servers
of the test's own, the image's build context copied as .dockerignore says, the app run
with its CMD, and nginx in front."""

import contextlib
import fnmatch
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.loopback import free_port, process_stop, wait_for_port
from tests.deploy.deployment_files import (
    PRODUCTION,
    ROOT,
    START_TIMEOUT_SECONDS,
    VENV_BIN,
    clean_environment,
    compose,
    compose_app_environment,
    dockerfile,
    dockerfile_cmd,
    dockerfile_healthcheck,
    env_example,
    nginx_binary,
    nginx_config,
    plain,
    redis_process,
    scratch_postgres,
)


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
    A low rate limit, so a test can reach it. Its media folder is readable by nginx's user,
    as the media volume is in compose."""
    media = Path(tempfile.mkdtemp(prefix="chat-deploy-media-"))
    media.chmod(0o755)
    env = {
        **env_example(CHAT_RATE_LIMIT_MESSAGES="3"),
        **compose_app_environment(media_root=media),
        **services,
    }
    app = App(image, env, logs=tmp_path_factory.mktemp("trial-app")).start()
    yield app
    app.stop()
    shutil.rmtree(media, ignore_errors=True)


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
    main = nginx_config(
        directory,
        upstream=f"127.0.0.1:{app.port}",
        listen=port,
        media_root=app.env.get("MEDIA_ROOT", ""),
    )
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
