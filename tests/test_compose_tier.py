"""The compose tier: the generated image and the production compose file under a real Docker
engine (tests/engine.py starts one if none answers and brings stand-in base images).

The image is built with no network at all, from the wheelhouse `make wheels` fills: the offline
path users behind an air gap take. The production file's Redis services come up, pass their own
health checks, keep or drop data across a restart as configured, and `down -v` leaves nothing."""

import json
import os
import time
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, bake, ok, run
from tests.engine import docker

pytestmark = [pytest.mark.compose, pytest.mark.xdist_group("compose")]

IMAGE = "template-test-project:latest"


def image_python(base: str) -> str:
    """The full Python version of the base image: `make wheels` picks wheels and markers by it."""
    code = "import platform; print(platform.python_version())"
    answer = docker("run", "--rm", "--network", "none", base, "python", "-c", code)
    assert answer.returncode == 0, answer.stderr
    return answer.stdout.strip()


def in_image(command: str) -> str:
    ran = docker("run", "--rm", "--network", "none", "--entrypoint", "sh", IMAGE, "-c", command)
    assert ran.returncode == 0, f"$ {command}\n{ran.stdout}\n{ran.stderr}"
    return ran.stdout


@pytest.mark.usefixtures("docker_engine")
def test_the_image_builds_offline_from_the_wheelhouse_and_runs_as_10001(tmp_path: Path) -> None:
    project = bake(DEFAULT, tmp_path)
    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "wheels", f"WHEELS_PYTHON={image_python('python:3.13-slim')}"], cwd=project))

    # --network none: no index, no registry; a build that needs either fails here.
    build = ["build", "--network", "none", "--build-arg", "WHEELS=true", "--tag", IMAGE, "."]
    built = run(["docker", *build], cwd=project, timeout=900)
    assert built.returncode == 0, f"docker build failed:\n{built.stdout[-8000:]}\n{built.stderr}"

    assert in_image("id -u; id -g").split() == ["10001", "10001"]
    # collectstatic ran at build time: Django's admin and DRF's assets are in the image.
    collected = in_image("ls /app/staticfiles")
    assert {"admin", "rest_framework"} <= set(collected.split())
    assert in_image("test ! -e /app/wheels && test ! -e /wheels && echo none") == "none\n"


class Compose:
    """docker-compose on the production file, under a project name of this test's own."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.name = f"tpltest{os.getpid()}"

    def __call__(self, *args: str) -> str:
        files = ["-f", "docker-compose.prod.yml", "--env-file", ".env.production"]
        return ok(run(["docker-compose", *files, "-p", self.name, *args], cwd=self.project))

    def container(self, service: str) -> str:
        return self("ps", "-q", service).split("\n")[1].strip()

    def wait_healthy(self, service: str, seconds: float = 90) -> None:
        container = self.container(service)
        deadline = time.monotonic() + seconds
        status = ""
        while time.monotonic() < deadline:
            state = docker("inspect", "--format", "{{json .State.Health}}", container)
            status = json.loads(state.stdout)["Status"] if state.returncode == 0 else state.stderr
            if status == "healthy":
                return
            time.sleep(1)
        logs = docker("logs", container)
        pytest.fail(f"{service} is {status}, not healthy:\n{logs.stdout}{logs.stderr}")

    def redis_cli(self, service: str, *command: str) -> str:
        cli = 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" ' + " ".join(command)
        return self("exec", "-T", service, "sh", "-c", cli).split("\n")[1].strip()

    def left(self) -> dict[str, list[str]]:
        label = f"label=com.docker.compose.project={self.name}"
        listings = {
            "containers": docker("ps", "--all", "--quiet", "--filter", label),
            "volumes": docker("volume", "ls", "--quiet", "--filter", label),
            "networks": docker("network", "ls", "--quiet", "--filter", label),
        }
        return {kind: listed.stdout.split() for kind, listed in listings.items()}


@pytest.mark.usefixtures("docker_engine")
def test_redis_services_are_healthy_and_only_the_durable_one_keeps_data(tmp_path: Path) -> None:
    compose = Compose(bake(DEFAULT, tmp_path))
    try:
        compose("up", "-d", "redis", "redis-cache")
        for service in ("redis", "redis-cache"):
            compose.wait_healthy(service)
            assert compose.redis_cli(service, "set", "written-before-restart", "yes") == "OK"

        compose("restart", "redis", "redis-cache")
        for service in ("redis", "redis-cache"):
            compose.wait_healthy(service)
        # redis (sessions, Celery) appends to its volume; redis-cache, a cache, persists nothing.
        assert compose.redis_cli("redis", "get", "written-before-restart") == "yes"
        assert compose.redis_cli("redis-cache", "get", "written-before-restart") == ""
    finally:
        compose("down", "--volumes", "--remove-orphans")
    assert compose.left() == {"containers": [], "volumes": [], "networks": []}
