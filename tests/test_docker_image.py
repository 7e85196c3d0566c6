"""The compose tier: the generated image built and run by a real Docker engine (tests/engine.py
starts one if none answers and brings stand-in base images). The build runs with no network at
all, from the wheelhouse `make wheels` fills: the offline path users behind an air gap take."""

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
