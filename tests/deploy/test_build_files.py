"""Static checks of what Docker would read: the Dockerfile, .dockerignore, compose,
.env.example, the deployment guide and deploy/nginx.conf (with `nginx -t`)."""

import re
import subprocess

from devtools.loopback import free_port
from tests.deploy.deployment_files import (
    ROOT,
    compose,
    dockerfile,
    dockerfile_cmd,
    dockerfile_healthcheck,
    dotenv,
    nginx_binary,
    nginx_config,
)


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
    for entry in (".env", ".git", ".venv", "db.sqlite3", "staticfiles", "media"):
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
    # The address nginx sees, never a client-sent X-Forwarded-For (the limits count by it).
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "proxy_set_header X-Forwarded-Proto" in conf
    assert re.search(r"client_max_body_size \d+[km];", conf)
    timeout = re.search(r"proxy_read_timeout (\d+)([smh]);", conf)
    seconds = int(timeout.group(1)) * {"s": 1, "m": 60, "h": 3600}[timeout.group(2)]
    assert seconds >= 300, "idle chat sockets must outlive nginx's read timeout"


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
