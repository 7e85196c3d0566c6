import fcntl
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, EVERYTHING_ON, Variant, bake, ok, run
from tests.engine import build_offline, compose_image, engine

ENGINE_LOCK = Path(tempfile.gettempdir()) / "template-tests-docker-engine.lock"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A grouped test fails, before its fixtures, when `--dist loadgroup` did not group it.

    pytest-xdist groups a test by appending `@group` to its node id on each worker. A pytest that
    keeps node ids elsewhere (9.2 with xdist 3.8) silently drops it: every test of a group then
    lands on a worker of its own, each baking, installing and building its own image."""
    groups = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    suffix = "@" + "_".join(sorted(groups))  # what xdist appends
    if (
        groups
        and getattr(item.config.option, "loadgroup", False)
        and not item.nodeid.endswith(suffix)
    ):
        pytest.fail(
            f"pytest-xdist's loadgroup did not group this test under pytest {pytest.__version__}:"
            " install a pytest the template's pyproject.toml allows (make install)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Variant], Path]:
    """Bake each variant once per test session (per xdist worker)."""
    projects: dict[str, Path] = {}

    def get(variant: Variant) -> Path:
        if variant.name not in projects:
            projects[variant.name] = bake(variant, tmp_path_factory.mktemp("bake"))
        return projects[variant.name]

    return get


@pytest.fixture(scope="session")
def checker_python(
    baked: Callable[[Variant], Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A Python with every dependency any option can add (all y/n options on), for running
    `manage.py` in bakes that are not installed themselves."""
    project = baked(EVERYTHING_ON)
    venv = tmp_path_factory.mktemp("checker") / "venv"
    ok(run(["uv", "venv", "--quiet", "--python", "python3", str(venv)], cwd=project))
    python = venv / "bin" / "python"
    install = ["uv", "pip", "install", "--quiet", "--python", str(python)]
    ok(run([*install, "-r", "pyproject.toml", "--extra", "dev"], cwd=project))
    return python


@pytest.fixture(scope="session")
def docker_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A Docker engine with the base images the Dockerfile and compose files name
    (tests/engine.py), for the session: the compose tier and the Swarm tests share its images.
    A lock file serialises its users: xdist workers each get their own fixture, and one must not
    stop the engine or remove images under another."""
    with ENGINE_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with engine(tmp_path_factory.mktemp("dockerd") / "dockerd.log"):
            yield


@pytest.fixture(scope="session")
def production_project(
    docker_engine: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The default bake with its image built offline, under the name its production compose file
    uses (so `up --no-build` runs exactly this image); built once for the compose tier and the
    Swarm stack."""
    project = bake(DEFAULT, tmp_path_factory.mktemp("production"))
    build_offline(project, compose_image(project, "docker-compose.prod.yml"))
    yield project
