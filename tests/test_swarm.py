"""The Docker Swarm stack (deploy/swarm/stack.yml), deployed for real with `docker stack deploy` on
a single-node swarm of the compose tier's engine, on the image the tier builds (conftest's
production_project) and the stand-in base images (tests/engine.py).

A test-only stack file adds the Postgres that Supabase is in production and asks the health checks
more often; everything else is the stack as generated, its secrets Docker secrets. The tests run
in order on one deployment: it converges (migrate first, then every replica healthy), a rolling
update of web serves every request of a client running throughout, a killed web task is replaced,
and `docker stack rm` leaves nothing behind. The swarm is left as it was found: initialised and
left here only if it was inactive."""

import json
import os
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bakery import ok, run
from tests.engine import compose_image, docker
from tests.live import free_port, wait_until

pytestmark = [pytest.mark.compose, pytest.mark.xdist_group("compose")]

PROD = "docker-compose.prod.yml"
SWARM = Path("deploy") / "swarm"
STACK = SWARM / "stack.yml"
# The default bake's services and their replicas (the issue's: two of each server, one beat).
REPLICAS = {
    "redis": 1,
    "redis-cache": 1,
    "postgres": 1,
    "web": 2,
    "events": 2,
    "worker": 2,
    "beat": 1,
    "proxy": 1,
}
APP_SERVICES = ("migrate", "web", "events", "worker", "beat")
# How often the test asks the servers' own health checks (the stack's: every 15 s; the workers'
# and beat's, which boot Django, every 30 and 60 s), and how long those two may take: on two
# shared cores, with a dozen containers starting, booting Django can take 25 s.
CHECK_INTERVAL = {"web": "3s", "events": "3s", "worker": "20s", "beat": "20s"}
DJANGO_CHECK_TIMEOUT = "90s"
CONVERGE_SECONDS = 300
GATEWAY_BRIDGE = "docker_gwbridge"


@dataclass
class Stack:
    """A deployed stack: `docker stack` and `docker service` on its own name."""

    project: Path
    name: str
    port: int
    env: dict[str, str]
    files: list[str] = field(default_factory=list)

    def service(self, name: str) -> str:
        return f"{self.name}_{name}"

    def deploy(self) -> None:
        files = [option for name in self.files for option in ("-c", name)]
        deploy = ["docker", "stack", "deploy", "--resolve-image", "never", *files, self.name]
        ok(run(deploy, cwd=self.project / SWARM, env=self.env))

    def replicas(self) -> dict[str, str]:
        """`running/desired` per service, as `docker service ls` shows them."""
        listed = docker(
            "service",
            "ls",
            "--filter",
            f"label=com.docker.stack.namespace={self.name}",
            "--format",
            "{{.Name}} {{.Replicas}}",
        )
        assert listed.returncode == 0, listed.stderr
        prefix = f"{self.name}_"
        return {
            name.removeprefix(prefix): replicas.split(" ")[0]
            for name, replicas in (line.split(" ", 1) for line in listed.stdout.splitlines())
        }

    def tasks(self, service: str) -> list[dict[str, Any]]:
        """The service's tasks, the ones shut down included, newest first."""
        listed = docker(
            "service", "ps", "--no-trunc", "--format", "{{json .}}", self.service(service)
        )
        assert listed.returncode == 0, listed.stderr
        return [json.loads(line) for line in listed.stdout.splitlines()]

    def containers(self, service: str) -> list[str]:
        """The running containers of the service's tasks."""
        listed = docker(
            "ps",
            "--quiet",
            "--filter",
            f"label=com.docker.swarm.service.name={self.service(service)}",
        )
        assert listed.returncode == 0, listed.stderr
        return listed.stdout.split()

    def logs(self) -> str:
        logs = {
            service: docker("service", "logs", "--raw", "--tail", "60", self.service(service))
            for service in [*REPLICAS, "migrate"]
        }
        return "\n".join(f"--- {name}\n{log.stdout}{log.stderr}" for name, log in logs.items())

    def leftovers(self) -> dict[str, list[str]]:
        label = f"label=com.docker.stack.namespace={self.name}"
        found = {
            kind: docker(kind, "ls", "--quiet", "--filter", label).stdout.split()
            for kind in ("service", "network", "secret", "config", "volume")
        }
        found["container"] = docker("ps", "--all", "--quiet", "--filter", label).stdout.split()
        return found


def converged(stack: Stack, expected: dict[str, int]) -> bool:
    """Every service at its replicas, each running (for a health-checked one: healthy)."""
    replicas = stack.replicas()
    return all(replicas.get(name) == f"{count}/{count}" for name, count in expected.items())


def wait_for(what: str, condition: Any, stack: Stack, seconds: float = CONVERGE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}: {stack.replicas()}\n{stack.logs()}")
        time.sleep(2)


def swarm_state() -> str:
    state = docker("info", "--format", "{{.Swarm.LocalNodeState}}")
    assert state.returncode == 0, state.stderr
    return state.stdout.strip()


@pytest.fixture(scope="module")
def swarm(docker_engine: None) -> Iterator[None]:
    """A single-node swarm: this engine's, initialised (and left afterwards) only if it was not
    one already, so a swarm someone else runs on the shared engine is left alone."""
    initialised = swarm_state() == "inactive"
    # `swarm init` makes this bridge and `swarm leave` keeps it.
    bridge_before = docker("network", "inspect", GATEWAY_BRIDGE).returncode == 0
    if initialised:
        init = docker("swarm", "init", "--advertise-addr", "127.0.0.1")
        assert init.returncode == 0, init.stderr
    try:
        yield
    finally:
        if initialised:
            docker("swarm", "leave", "--force")
            if not bridge_before:
                docker("network", "rm", GATEWAY_BRIDGE)
    assert swarm_state() == ("inactive" if initialised else "active")


def write_secrets(project: Path, values: dict[str, str]) -> None:
    """The stack's secret files, each with a trailing newline as `echo` writes it."""
    directory = project / SWARM / "secrets"
    directory.mkdir(exist_ok=True)
    for name, value in values.items():
        (directory / name).write_text(f"{value}\n")


def stack_override(project: Path, tmp_path: Path, postgres_password: str) -> str:
    """The test-only stack file: a Postgres, one process per server on these two cores, the
    client's host allowed, the health checks asked more often, and a settings module for migrate
    that silences only the check a Postgres without TLS fails (E007)."""
    stack_file = yaml.safe_load((project / STACK).read_text())
    slug = compose_image(project, PROD).split(":")[0]
    settings_file = tmp_path / "swarm_test.py"
    settings_file.write_text(
        "from config.settings.production import *  # noqa: F403\n"
        f"SILENCED_SYSTEM_CHECKS = ['{slug}.E007']\n"
    )
    settings_file.chmod(0o644)
    settings = {
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SUPABASE_URL": "https://project-ref.supabase.co",
        "WEB_CONCURRENCY": "1",
        "EVENTS_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
    }
    services: dict[str, Any] = {
        name: {"environment": dict(settings)}
        for name in APP_SERVICES
        if name in stack_file["services"]
    }
    for name, interval in CHECK_INTERVAL.items():
        # Only the timing: `docker stack deploy` merges the files' health checks field by field
        # (and would append a second `test` to the stack's).
        services[name]["healthcheck"] = {"interval": interval}
        if name in {"worker", "beat"}:
            services[name]["healthcheck"]["timeout"] = DJANGO_CHECK_TIMEOUT
    services["migrate"]["environment"]["DJANGO_SETTINGS_MODULE"] = "config.settings.swarm_test"
    services["migrate"]["volumes"] = [
        {
            "type": "bind",
            "source": str(settings_file),
            "target": "/app/config/settings/swarm_test.py",
            "read_only": True,
        }
    ]
    services["postgres"] = {
        "image": "postgres:16-alpine",
        "environment": {"POSTGRES_PASSWORD": postgres_password, "POSTGRES_DB": "app"},
        "deploy": {"endpoint_mode": "dnsrr"},
        "networks": ["app-network"],
    }
    return yaml.safe_dump({"version": "3.8", "services": services})


@pytest.fixture(scope="module")
def stack(
    swarm: None, production_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """The stack deployed under a name of its own, on the compose tier's image; removed
    afterwards whatever happened (the last test removes it itself and checks what is left)."""
    project = production_project
    tmp_path = tmp_path_factory.mktemp("swarm")
    postgres_password = secrets.token_urlsafe(16)
    write_secrets(
        project,
        {
            "django_secret_key": secrets.token_urlsafe(50),
            "database_url": f"postgres://postgres:{postgres_password}@postgres:5432/app",
            "redis_password": secrets.token_urlsafe(24),
            "supabase_jwt_secret": secrets.token_urlsafe(48),
            "supabase_secret_key": f"sb_secret_{secrets.token_urlsafe(24)}",
        },
    )
    override = tmp_path / "stack.test.yml"
    override.write_text(stack_override(project, tmp_path, postgres_password))
    port = free_port()
    env = {
        "APP_IMAGE": compose_image(project, PROD),
        # Plain HTTP on a free loopback port: Caddy's site address `:80`, no certificate.
        "DOMAIN_NAME": ":80",
        "PROXY_HTTP_PORT": str(port),
        "PROXY_HTTPS_PORT": str(free_port()),
    }
    deployed = Stack(project, f"tplswarm{os.getpid()}", port, env, ["stack.yml", str(override)])
    try:
        deployed.deploy()
        yield deployed
    finally:
        removed(deployed)


# What `docker stack rm` removes; the named volumes are kept (their data outlives the stack).
REMOVED = ("service", "network", "secret", "config", "container")
VOLUMES = {"redis-data", "caddy-data"}


def removed(stack: Stack) -> None:
    """`docker stack rm`, then its volumes removed as an operator would; nothing may be left."""
    docker("stack", "rm", stack.name)
    wait_until(
        lambda: all(stack.leftovers()[kind] == [] for kind in REMOVED), "the stack's removal", 120
    )
    volumes = docker(
        "volume", "ls", "--quiet", "--filter", f"label=com.docker.stack.namespace={stack.name}"
    ).stdout.split()
    assert set(volumes) <= {f"{stack.name}_{volume}" for volume in VOLUMES}, volumes
    for volume in volumes:
        docker("volume", "rm", volume)
    assert stack.leftovers() == {kind: [] for kind in (*REMOVED, "volume")}


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Status and body; a connection error raises OSError."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_stack_migrates_first_then_runs_every_replica_healthy(stack: Stack) -> None:
    wait_for("every replica running and healthy", lambda: converged(stack, REPLICAS), stack)
    # migrate ran to completion (after failed attempts while Postgres was starting, if any), and
    # is not run again.
    newest, *earlier = stack.tasks("migrate")
    assert newest["CurrentState"].startswith("Complete"), newest
    assert all(task["CurrentState"].startswith("Failed") for task in earlier), earlier
    migrate_log = docker("service", "logs", "--raw", stack.service("migrate")).stdout
    assert "Operations to perform" in migrate_log, migrate_log
    web_log = docker("service", "logs", "--raw", stack.service("web")).stdout
    assert "[ERROR]" not in web_log, web_log
    # Through Caddy (published on the host), to web's service address.
    status, body = get(f"http://127.0.0.1:{stack.port}/api/health/")
    assert status == 200, body
    # The secrets are files, never environment variables; the app read them (it is healthy, with
    # a Redis that requires the password): the variables name only the files.
    (container,) = stack.containers("web")[:1]
    environment = docker("exec", container, "env").stdout
    assert "DJANGO_SECRET_KEY_FILE=/run/secrets/django_secret_key" in environment
    assert "REDIS_PASSWORD_FILE=/run/secrets/redis_password" in environment
    secret_values = docker("exec", container, "sh", "-c", "cat /run/secrets/*").stdout.split()
    assert not [value for value in secret_values if value in environment]
    # And the Redis servers refuse a client without it.
    (redis,) = stack.containers("redis")
    refused = docker("exec", redis, "redis-cli", "ping")
    assert "NOAUTH" in refused.stdout + refused.stderr, refused


@dataclass
class Client:
    """GETs /api/health/ through Caddy one after another on a thread, counting every answer that
    is not a 200 and every connection error."""

    url: str
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                status, body = get(self.url)
            except OSError as error:
                self.failures.append(f"{type(error).__name__}: {error}")
                continue
            if status == 200:
                self.answered += 1
            else:
                self.failures.append(f"{status}: {body[:200]}")
            time.sleep(0.02)


def next_release(image: str, tag: str) -> None:
    """`image` as a new release would be: the same app with a file that tells it apart."""
    dockerfile = (
        f"FROM {image}\nUSER root\n"
        "RUN echo next-release > /app/staticfiles/release.txt\nUSER 10001:10001\n"
    )
    built = subprocess.run(
        ["docker", "build", "--network", "none", "--tag", tag, "-"],
        input=dockerfile,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr


def served_release(stack: Stack) -> list[str]:
    """/static/release.txt as web's service address answers it four times (swarm balances the
    requests over every web task), asked from Caddy's container as Caddy asks."""
    (proxy,) = stack.containers("proxy")
    url = "http://web:8000/static/release.txt"
    ask = f"wget -q -O - --header 'X-Forwarded-Proto: https' {url} || echo missing"
    return [docker("exec", proxy, "sh", "-c", ask).stdout.strip() for _ in range(4)]


def update_state(stack: Stack, service: str) -> str:
    inspected = json.loads(docker("service", "inspect", stack.service(service)).stdout)[0]
    state: str = inspected.get("UpdateStatus", {}).get("State", "")
    return state


def test_a_rolling_update_of_web_fails_no_request(stack: Stack) -> None:
    image = stack.env["APP_IMAGE"]
    new_image = f"{image.split(':')[0]}:next-{os.getpid()}"
    next_release(image, new_image)
    assert served_release(stack) == ["missing"] * 4
    client = Client(f"http://127.0.0.1:{stack.port}/api/health/")
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        time.sleep(2)
        update = docker(
            "service",
            "update",
            "--detach=false",
            "--image",
            new_image,
            stack.service("web"),
            timeout=CONVERGE_SECONDS,
        )
        assert update.returncode == 0, f"{update.stdout}\n{update.stderr}\n{stack.logs()}"
        # The client keeps asking until swarm calls the update done (after its monitor period).
        wait_for("the update to complete", lambda: update_state(stack, "web") != "updating", stack)
    finally:
        client.stop.set()
        thread.join()
    seconds = time.monotonic() - started
    print(f"rolling update: {client.answered} requests, all answered 200, in {seconds:.0f} s")
    assert update_state(stack, "web") == "completed"
    assert client.failures == [], (client.answered, client.failures[:20])
    assert client.answered > 50
    running = [task for task in stack.tasks("web") if task["DesiredState"] == "Running"]
    assert [task["Image"] for task in running] == [new_image] * 2, running
    assert served_release(stack) == ["next-release"] * 4


def test_a_killed_web_task_is_replaced(stack: Stack) -> None:
    wait_for("web at 2 replicas", lambda: converged(stack, {"web": 2}), stack)
    victim = stack.containers("web")[0]
    assert docker("kill", victim).returncode == 0
    wait_for("web to lose a replica", lambda: not converged(stack, {"web": 2}), stack, 30)
    wait_for("web back at 2 healthy replicas", lambda: converged(stack, {"web": 2}), stack)
    assert victim not in stack.containers("web")
    assert get(f"http://127.0.0.1:{stack.port}/api/health/")[0] == 200


def test_the_stack_is_removed_cleanly(stack: Stack) -> None:
    removed(stack)
