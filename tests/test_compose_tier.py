"""The compose tier: the generated image and both compose files under a real Docker engine
(tests/engine.py starts one if none answers and brings stand-in base images).

The image is built once, with no network at all, from the wheelhouse `make wheels` fills: the
offline path users behind an air gap take. The production file then runs as a whole (a
test-only override adds the Postgres that Supabase is in production). The minimal bake's
development file builds its own image (with the dev tools) from a wheelhouse the same way, and
serves the mounted source and reloads it. A failure shows the containers' logs; `down -v` leaves
nothing."""

import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bakery import MINIMAL, bake, env_values, ok, run
from tests.engine import compose_image, docker, image_python
from tests.live import free_port, healthy, http, supabase_token, wait_until

pytestmark = [pytest.mark.compose, pytest.mark.xdist_group("compose")]

PROD = "docker-compose.prod.yml"
DEV = "docker-compose.yml"
SUPABASE_URL = "https://project-ref.supabase.co"
# How often the test asks each service's own health check (the template's run every 10 to 60 s;
# the checks themselves are the template's, unchanged).
CHECK_INTERVAL = "5s"


def stdout(result: Any) -> str:
    ok(result)
    output: str = result.stdout
    return output


def in_image(image: str, command: str) -> str:
    ran = docker("run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", command)
    assert ran.returncode == 0, f"$ {command}\n{ran.stdout}\n{ran.stderr}"
    return ran.stdout


def test_the_image_builds_offline_from_the_wheelhouse_and_runs_as_10001(
    production_project: Path,
) -> None:
    image = compose_image(production_project, PROD)
    assert in_image(image, "id -u; id -g").split() == ["10001", "10001"]
    # collectstatic ran at build time: Django's admin and DRF's assets are in the image.
    collected = in_image(image, "ls /app/staticfiles")
    assert {"admin", "rest_framework"} <= set(collected.split())
    assert in_image(image, "test ! -e /app/wheels && test ! -e /wheels && echo none") == "none\n"


class Compose:
    """docker-compose on a project's compose files, under a project name of this test's own."""

    def __init__(
        self, project: Path, files: list[str], env_file: str, env: dict[str, str] | None = None
    ) -> None:
        self.project = project
        self.files = files
        self.env_file = env_file
        self.env = env or {}
        self.name = f"tpltest{os.getpid()}{'prod' if PROD in files else 'dev'}"
        self.configs: dict[tuple[str, ...], dict[str, Any]] = {}

    def command(self, *args: str) -> list[str]:
        files = [option for name in self.files for option in ("-f", name)]
        return ["docker-compose", *files, "--env-file", self.env_file, "-p", self.name, *args]

    def __call__(self, *args: str) -> str:
        return stdout(run(self.command(*args), cwd=self.project, env=self.env, timeout=900))

    def config(self) -> dict[str, Any]:
        """The files merged and interpolated, asked once per set of files."""
        files = tuple(self.files)
        if files not in self.configs:
            self.configs[files] = yaml.safe_load(self("config"))
        return self.configs[files]

    def containers(self, service: str, *options: str) -> list[str]:
        """The service's containers (running ones unless `--all`), asked of the engine
        directly: docker-compose's own start-up costs a second on a busy machine."""
        labels = [
            f"com.docker.compose.project={self.name}",
            f"com.docker.compose.service={service}",
        ]
        filters = [option for label in labels for option in ("--filter", f"label={label}")]
        listed = docker("ps", "--quiet", *options, *filters)
        assert listed.returncode == 0, listed.stderr
        return listed.stdout.split()

    def container(self, service: str) -> str:
        (container,) = self.containers(service)
        return container

    def exec(self, service: str, *command: str) -> str:
        ran = docker("exec", self.container(service), *command)
        assert ran.returncode == 0, f"{service}: $ {' '.join(command)}\n{ran.stdout}{ran.stderr}"
        return ran.stdout

    def health(self, service: str) -> str:
        """The health of the service's newest container, or its state when it is not running
        (`exited`, `restarting`)."""
        newest = self.containers(service, "--all")[0]
        state = docker("inspect", "--format", "{{json .State}}", newest)
        assert state.returncode == 0, state.stderr
        current = json.loads(state.stdout)
        status: str = current["Health"]["Status"] if current["Running"] else current["Status"]
        return status

    def wait_for(self, services: list[str], status: str, seconds: float = 180) -> None:
        """Every one of `services` reports `status`; otherwise the failure shows their logs (at
        once when one has exited: it will not become healthy)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            states = {service: self.health(service) for service in services}
            if all(state == status for state in states.values()):
                return
            if "exited" in states.values():
                break
            time.sleep(1)
        pytest.fail(f"not all {status}: {states}\n{self.logs(*services)}")

    def logs(self, *services: str) -> str:
        logs = self.command("logs", "--no-color", "--tail", "200", *services)
        shown = run(logs, cwd=self.project, env=self.env)
        return shown.stdout + shown.stderr

    def redis_cli(self, service: str, *command: str) -> str:
        cli = 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" ' + " ".join(command)
        return self.exec(service, "sh", "-c", cli).strip()

    def left(self) -> dict[str, list[str]]:
        label = f"label=com.docker.compose.project={self.name}"
        listings = {
            "containers": docker("ps", "--all", "--quiet", "--filter", label),
            "volumes": docker("volume", "ls", "--quiet", "--filter", label),
            "networks": docker("network", "ls", "--quiet", "--filter", label),
        }
        return {kind: listed.stdout.split() for kind, listed in listings.items()}


@contextmanager
def stack(compose: Compose) -> Iterator[None]:
    """Whatever the test brings up comes down with its volumes; a failure shows every log."""
    try:
        yield
    except BaseException:
        print(f"Logs of {compose.name}:\n{compose.logs()}")
        raise
    finally:
        compose("down", "--volumes", "--remove-orphans", "--timeout", "5")
    assert compose.left() == {"containers": [], "volumes": [], "networks": []}


def with_values(env_file: Path, values: dict[str, str]) -> None:
    """`values` set in an env file: replacing the baked lines, the others appended."""
    lines = env_file.read_text().splitlines()
    kept = [line for line in lines if line.split("=", 1)[0] not in values]
    env_file.write_text("\n".join([*kept, *(f"{k}={v}" for k, v in values.items())]) + "\n")


def healthchecked(config: dict[str, Any]) -> list[str]:
    """The services `up` starts (no profile) that have a health check."""
    return [
        name
        for name, service in config["services"].items()
        if "healthcheck" in service and not service.get("profiles")
    ]


def checks_every_interval(config: dict[str, Any]) -> dict[str, Any]:
    """Override entries asking every health-checked service's own check every CHECK_INTERVAL."""
    return {name: {"healthcheck": {"interval": CHECK_INTERVAL}} for name in healthchecked(config)}


def production_override(
    config: dict[str, Any], postgres_password: str, database: str, tmp_path: Path
) -> str:
    """The test-only compose file: the Postgres that Supabase is in production, every health
    check asked every CHECK_INTERVAL, and `web-wrong-password`, a second web whose Redis URLs
    carry a wrong password, published on 127.0.0.1 to show why its health check fails."""
    services = checks_every_interval(config)
    services["postgres"] = {
        "image": "postgres:16-alpine",
        "environment": {"POSTGRES_PASSWORD": postgres_password, "POSTGRES_DB": database},
        "healthcheck": {
            "test": ["CMD-SHELL", f"pg_isready -U postgres -d {database}"],
            "interval": "1s",
            "retries": 30,
        },
        "networks": ["app-network"],
    }
    # migrate runs the deploy checks before migrating: that Postgres, unlike Supabase's, has no
    # TLS, and only that check (E007) is silenced, by a settings module of the test's own.
    slug = config["services"]["migrate"]["image"].split(":")[0]
    settings_file = tmp_path / "compose_tier.py"
    settings_file.write_text(
        "from config.settings.production import *  # noqa: F403\n"
        f"SILENCED_SYSTEM_CHECKS = ['{slug}.E007']\n"
    )
    settings_file.chmod(0o644)
    services["migrate"] = {
        "depends_on": {"postgres": {"condition": "service_healthy"}},
        "environment": {"DJANGO_SETTINGS_MODULE": "config.settings.compose_tier"},
        "volumes": [f"{settings_file}:/app/config/settings/compose_tier.py:ro"],
    }
    web = config["services"]["web"]
    wrong = {
        role: url.replace(f":{config_password(config)}@", ":not-the-password@")
        for role, url in web["environment"].items()
        if role.startswith("REDIS")
    }
    services["web-wrong-password"] = {
        "image": web["image"],
        "command": web["command"],
        "environment": {**web["environment"], **wrong},
        "ports": [f"127.0.0.1:{free_port()}:8000"],
        "healthcheck": {**web["healthcheck"], "interval": CHECK_INTERVAL},
        "depends_on": {"migrate": {"condition": "service_completed_successfully"}},
        "networks": ["app-network"],
    }
    return yaml.safe_dump({"services": services})


def config_password(config: dict[str, Any]) -> str:
    password: str = config["services"]["redis"]["environment"]["REDIS_PASSWORD"]
    return password


def published_port(compose: Compose, service: str) -> int:
    answer = docker("port", compose.container(service), "8000/tcp").stdout.strip()
    host, port = answer.rsplit(":", 1)
    assert host == "127.0.0.1", f"{service} is published on {answer}, not on loopback only"
    return int(port)


def run_own_check(compose: Compose, service: str, *env: str) -> Any:
    """The service's own health check command (`CMD` or `CMD-SHELL`), run in its container
    without Docker's time limit (a busy machine can push a Python start-up past it)."""
    test = compose.config()["services"][service]["healthcheck"]["test"]
    command = test[1:] if test[0] == "CMD" else ["sh", "-c", test[1].replace("$$", "$")]
    options = [option for value in env for option in ("--env", value)]
    return docker("exec", *options, compose.container(service), *command)


def container_state(container: str) -> dict[str, Any]:
    inspected = docker("inspect", "--format", "{{json .}}", container)
    assert inspected.returncode == 0, inspected.stderr
    state: dict[str, Any] = json.loads(inspected.stdout)
    return state


def server_ids(compose: Compose, service: str) -> dict[str, list[str]]:
    """The real, effective, saved and file-system user and group ids of the service's server
    process (PID 1 in its container), not just the image's USER."""
    status = compose.exec(service, "cat", "/proc/1/status")
    return {
        line.split(":")[0]: line.split()[1:]
        for line in status.splitlines()
        if line.startswith(("Uid:", "Gid:"))
    }


def assert_migrate_ran_once(compose: Compose) -> None:
    (container,) = compose.containers("migrate", "--all")
    state = container_state(container)
    assert (state["State"]["Status"], state["State"]["ExitCode"]) == ("exited", 0)
    assert state["RestartCount"] == 0


def test_the_production_stack_serves_runs_tasks_and_keeps_durable_redis_data(
    production_project: Path, tmp_path: Path
) -> None:
    project = production_project
    env_file = project / ".env.production"
    postgres_password, database = env_values(env_file)["POSTGRES_PASSWORD"], "app"
    jwt_secret = secrets.token_urlsafe(48)
    # The baked file with its fresh secrets, and what a deployment fills in: the database, the
    # Supabase project, free loopback ports; one process per service on these two cores.
    with_values(
        env_file,
        {
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres:{postgres_password}@postgres:5432/{database}",
            "SUPABASE_URL": SUPABASE_URL,
            "SUPABASE_SECRET_KEY": f"sb_secret_{secrets.token_urlsafe(24)}",
            "SUPABASE_JWT_SECRET": jwt_secret,
            "WEB_PORT": str(free_port()),
            "EVENTS_PORT": str(free_port()),
            "WEB_CONCURRENCY": "1",
            "EVENTS_CONCURRENCY": "1",
            "CELERY_CONCURRENCY": "1",
            # The test stands where the reverse proxy would: requests reach web from the
            # network's gateway, which web must trust for X-Forwarded-Proto like the proxy.
            "TRUSTED_PROXIES": "172.29.250.1",
        },
    )
    compose = Compose(project, [PROD], ".env.production")
    override = tmp_path / "docker-compose.test.yml"
    override.write_text(
        production_override(compose.config(), postgres_password, database, tmp_path)
    )
    compose.files.append(str(override))
    services = healthchecked(compose.config())

    with stack(compose):
        compose("up", "-d", "--no-build")
        wrong_password = "web-wrong-password"
        compose.wait_for([s for s in services if s != wrong_password], "healthy")
        assert_migrate_ran_once(compose)
        servers_log = compose.logs("web", "events")
        assert "[ERROR]" not in servers_log, servers_log
        assert server_ids(compose, "web") == {"Uid": ["10001"] * 4, "Gid": ["10001"] * 4}

        base = f"http://127.0.0.1:{published_port(compose, 'web')}"
        assert healthy(f"{base}/api/health/")
        token = supabase_token(SUPABASE_URL, jwt_secret, "compose@example.com")
        note = http("POST", f"{base}/api/notes/", token, {"title": "compose", "body": "a b"})
        assert note[0] == 201, note
        status, accepted = http("POST", f"{base}/api/notes/summary/", token, {})
        assert status == 202, accepted
        job_url = f"{base}/api/jobs/{accepted['id']}/"
        wait_until(lambda: http("GET", job_url, token)[1]["state"] == "SUCCESS", "the task")
        done = http("GET", job_url, token)[1]
        assert done["result"] == {"note_count": 1, "word_count": 3}

        # A wrong Redis password fails the health check: never a pass on NOAUTH/WRONGPASS.
        compose.wait_for([wrong_password], "unhealthy", seconds=90)
        # Unhealthy because the app answers 503, where web's identical check passes.
        failed = run_own_check(compose, wrong_password)
        assert failed.returncode == 1 and "HTTP Error 503" in failed.stderr, failed
        assert run_own_check(compose, "web").returncode == 0
        # The Redis services' own checks: a PONG passes, a NOAUTH or WRONGPASS answer fails.
        for service in ("redis", "redis-cache"):
            assert run_own_check(compose, service).returncode == 0
            wrong = run_own_check(compose, service, "REDIS_PASSWORD=not-the-password")
            assert wrong.returncode != 0, wrong
        status, report = http(
            "GET", f"http://127.0.0.1:{published_port(compose, wrong_password)}/api/health/"
        )
        assert status == 503, report
        # The public answer names no error; the in-process check inside the container does.
        assert "AuthenticationError" not in json.dumps(report), report
        assert report["checks"]["redis.cache"] == {"status": "down"}, report
        container = compose.container(wrong_password)
        details = docker("exec", container, "python", "manage.py", "healthcheck", "--in-process")
        assert details.returncode == 1 and "AuthenticationError" in details.stdout, details

        # New redis containers on the same volumes: the durable one keeps what it held (the
        # task's result, a key), the cache starts empty.
        for service in ("redis", "redis-cache"):
            assert compose.redis_cli(service, "set", "written-before", "yes") == "OK"
        compose("up", "-d", "--no-deps", "--force-recreate", "redis", "redis-cache")
        compose.wait_for(["redis", "redis-cache"], "healthy")
        assert compose.redis_cli("redis", "get", "written-before") == "yes"
        assert compose.redis_cli("redis-cache", "get", "written-before") == ""
        wait_until(lambda: healthy(f"{base}/api/health/"), "web to reconnect to Redis")
        assert http("GET", job_url, token)[1] == done
        assert_migrate_ran_once(compose)


def health_report(url: str) -> dict[str, Any]:
    """/api/health/'s answer; empty while the server restarts."""
    try:
        report: dict[str, Any] = http("GET", url)[1]
    except OSError:
        return {}
    return report


def development_override(config: dict[str, Any], services: dict[str, Any]) -> str:
    """The test-only compose file for the development one: its health checks asked every
    CHECK_INTERVAL, and `services`' settings."""
    checks = checks_every_interval(config)
    merged = {
        name: {**checks.get(name, {}), **services.get(name, {})} for name in {*checks, *services}
    }
    return yaml.safe_dump({"services": merged})


@pytest.fixture(scope="module")
def development_project(docker_engine: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal bake with its development image built by its own compose file (the
    Dockerfile with INSTALL_DEV=true), offline: from a wheelhouse with the dev tools, with no
    network at all during the build."""
    project = bake(MINIMAL, tmp_path_factory.mktemp("development"))
    ok(run(["make", "install"], cwd=project))
    python = f"WHEELS_PYTHON={image_python('python:3.13-slim')}"
    ok(run(["make", "wheels", python, "WHEELS_DEV=true"], cwd=project))
    offline = tmp_path_factory.mktemp("development-build") / "docker-compose.build.yml"
    offline.write_text(yaml.safe_dump({"services": {"django": {"build": {"network": "none"}}}}))
    compose = Compose(project, [DEV, str(offline)], ".env")
    compose("build", "--build-arg", "WHEELS=true", "django")
    return project


def development_compose(project: Path, tmp_path: Path, services: dict[str, Any]) -> Compose:
    """The development file on free loopback ports, with a test-only override: the health checks
    asked every CHECK_INTERVAL, and `services`' own settings."""
    ports = {name: str(free_port()) for name in ("WEB_PORT", "POSTGRES_PORT", "REDIS_PORT")}
    compose = Compose(project, [DEV], ".env", ports)
    override = tmp_path / "docker-compose.test.yml"
    override.write_text(development_override(compose.config(), services))
    compose.files.append(str(override))
    return compose


def test_the_development_stack_serves_the_mounted_source_and_reloads_it(
    development_project: Path, tmp_path: Path
) -> None:
    """The minimal bake's development file: its `django` service and what that depends on, on
    the image it built (with the dev tools)."""
    project = development_project
    image = compose_image(project, DEV)
    assert in_image(image, "pytest --version; ruff --version").startswith("pytest ")
    compose = development_compose(project, tmp_path, {})
    view = project / project.name / "platform" / "core" / "apis.py"
    served = view.read_text()

    with stack(compose):
        compose("up", "-d", "--no-build", "django")
        compose.wait_for(["postgres", "redis", "django"], "healthy")
        assert_migrate_ran_once(compose)
        base = f"http://127.0.0.1:{published_port(compose, 'django')}"
        assert http("GET", f"{base}/api/health/")[0] == 200

        answer = "return Response(serializer(report).data, status=code)"
        edited = "return Response({**serializer(report).data, 'edited': True}, status=code)"
        assert answer in served, f"the health view no longer has `{answer}` to edit"
        view.write_text(served.replace(answer, edited))
        try:
            wait_until(
                lambda: "edited" in health_report(f"{base}/api/health/"),
                "the development server to serve the edited view",
            )
        finally:
            view.write_text(served)


def test_a_service_that_cannot_start_fails_the_tier_with_its_log(
    development_project: Path, tmp_path: Path
) -> None:
    """What an image missing a library its server imports does: the server exits at start-up,
    and the tier fails at once, naming the service and showing the container's own log."""
    crash = ["python", "-c", "import a_library_the_image_lacks"]
    compose = development_compose(development_project, tmp_path, {"django": {"command": crash}})

    with stack(compose):
        compose("up", "-d", "--no-build", "django")
        started = time.monotonic()
        with pytest.raises(pytest.fail.Exception) as failed:
            compose.wait_for(["postgres", "redis", "django"], "healthy")
        assert time.monotonic() - started < 60, "the tier waited out its timeout"
        assert "'django': 'exited'" in str(failed.value)
        assert "No module named 'a_library_the_image_lacks'" in str(failed.value)
