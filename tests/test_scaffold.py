"""`make app NAME=<name>` in fresh bakes, with and without the example app: the new app passes
lint, typecheck, the fast tier and the contract with no edit, and a refused name writes nothing."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import REDIS_URL, Variant, database_url, ok, run

pytestmark = pytest.mark.slow

WITH_EXAMPLE = Variant("scaffold-with-example")
WITHOUT_EXAMPLE = Variant("scaffold-without-example", {"include_example": "n"})
# A bake's tests on one xdist worker: it is installed once, and `make app` changes it. The two
# bakes on two workers, side by side.
SAME_BAKE = {
    variant.name: pytest.mark.xdist_group(variant.name)
    for variant in (WITH_EXAMPLE, WITHOUT_EXAMPLE)
}
PACKAGE = "my_project"  # the default project_slug
# What make writes in a bake that is not part of the project: left out of "nothing written".
NOT_PROJECT = {".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__"}


def environment(variant: Variant) -> dict[str, str]:
    return {"DATABASE_URL": database_url(variant), "REDIS_DURABLE_URL": REDIS_URL}


@pytest.fixture(scope="module")
def installed(baked: Callable[[Variant], Path]) -> Callable[[Variant], Path]:
    """The variant's bake, installed once (uv's cache makes the second install quick)."""
    done: set[str] = set()

    def get(variant: Variant) -> Path:
        project = baked(variant)
        if variant.name not in done:
            ok(run(["make", "install"], cwd=project))
            done.add(variant.name)
        return project

    return get


def project_files(project: Path) -> dict[str, bytes]:
    """Every file of the project, by path, with its content."""
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in project.rglob("*")
        if path.is_file() and not NOT_PROJECT & set(path.relative_to(project).parts)
    }


@pytest.mark.parametrize(
    "variant",
    [pytest.param(v, id=v.name, marks=SAME_BAKE[v.name]) for v in (WITH_EXAMPLE, WITHOUT_EXAMPLE)],
)
def test_a_new_app_passes_every_check_with_no_edit(
    installed: Callable[[Variant], Path], variant: Variant
) -> None:
    project = installed(variant)
    env = environment(variant)

    ok(run(["make", "app", "NAME=bookmarks"], cwd=project, env=env))

    app = project / PACKAGE / "bookmarks"
    assert (app / "migrations" / "0001_initial.py").is_file()
    assert 'path("api/bookmarks/"' in (project / "config" / "urls.py").read_text()
    ok(run(["make", "lint"], cwd=project))
    ok(run(["make", "typecheck"], cwd=project))
    tests = ok(run(["make", "test-fast"], cwd=project, env=env, timeout=1800))
    assert "bookmarks/tests/test_apis.py" in tests
    assert " failed" not in tests
    ok(run(["make", "contract"], cwd=project, env=env, timeout=1800))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("json", "'json' is a standard library Python module"),
        ("accounts", "'accounts' is the label of the installed app"),
        ("Bad-Name", "'Bad-Name' is not a valid app name"),
        ("drafts", "drafts already exists"),
        ("", "Usage: make app NAME=<app>"),
    ],
)
@SAME_BAKE[WITHOUT_EXAMPLE.name]
def test_a_refused_name_is_named_in_the_error_and_nothing_is_written(
    installed: Callable[[Variant], Path], name: str, problem: str
) -> None:
    project = installed(WITHOUT_EXAMPLE)
    (project / PACKAGE / "drafts").mkdir(exist_ok=True)  # a folder that is not an app
    before = project_files(project)

    refused = run(["make", "app", f"NAME={name}"], cwd=project, env=environment(WITHOUT_EXAMPLE))

    assert refused.returncode != 0
    assert problem in refused.stderr, refused.stderr
    assert project_files(project) == before
