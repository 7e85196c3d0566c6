"""The example app (`notes`) is optional and replaceable: nothing else imports it, the platform's
import contract says so, a bake without it has no trace of it, and the README's steps for
replacing it leave a project that still passes its checks."""

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bakery import (
    ALL_VARIANTS,
    DEFAULT,
    MINIMAL,
    REDIS_URL,
    Variant,
    database_url,
    env_names,
    ok,
    run,
)

SLUG = "my_project"
WITHOUT_EXAMPLE = next(v for v in ALL_VARIANTS if v.name == "include_example=n")
# Where the project may name its product app: the app itself, and the settings and URLconf that
# install it.
MAY_NAME_NOTES = ("config/urls.py", "config/settings/", f"{SLUG}/notes/")
# An import of the package or one of its modules, or a module path into it (`--include=...`);
# naming the app itself ("my_project.notes", to ask whether it is installed) is no dependency.
NOTES_IMPORT = re.compile(rf"(?:from|import)\s+{SLUG}\.notes\b|{SLUG}\.notes\.\w")


def python_files(project: Path) -> list[Path]:
    return [path for path in project.rglob("*.py") if ".venv" not in path.parts]


def notes_references(project: Path) -> list[str]:
    """Every line of Python that imports the notes package, outside where it may."""
    hits = []
    for path in python_files(project):
        relative = path.relative_to(project).as_posix()
        if relative.startswith(MAY_NAME_NOTES):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if NOTES_IMPORT.search(line):
                hits.append(f"{relative}:{number}: {line.strip()}")
    return hits


def lint_imports(project: Path, checker_python: Path) -> str:
    """import-linter's verdict on the bake, from the checker venv (the bake is not installed)."""
    result = run(
        [str(checker_python.parent / "lint-imports"), "--no-cache", "--no-logo"],
        cwd=project,
        env={"PYTHONPATH": str(project)},
    )
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def test_the_option_is_derived_into_the_bake_variants() -> None:
    assert WITHOUT_EXAMPLE.answers == {"include_example": "n"}
    assert MINIMAL.answers["include_example"] == "n"


def test_no_module_outside_the_example_imports_it(baked: Callable[[Variant], Path]) -> None:
    project = baked(DEFAULT)
    assert (project / SLUG / "notes").is_dir()

    assert notes_references(project) == []


@pytest.mark.parametrize("variant", [WITHOUT_EXAMPLE, MINIMAL], ids=["no-example", "minimal"])
def test_a_bake_without_the_example_has_no_trace_of_it(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    settings_text = "\n".join(p.read_text() for p in (project / "config").rglob("*.py"))
    assert not (project / SLUG / "notes").exists()
    imports = [path for path in python_files(project) if NOTES_IMPORT.search(path.read_text())]

    assert imports == []
    assert "NOTE_BODY_MAX_LENGTH" not in settings_text
    assert "NOTE_BODY_MAX_LENGTH" not in env_names(project / ".env.example")
    assert "/api/notes/" not in (project / "README.md").read_text()


@pytest.mark.parametrize(
    "variant", [DEFAULT, WITHOUT_EXAMPLE, MINIMAL], ids=["default", "no-example", "minimal"]
)
def test_the_platform_import_contract_holds(
    baked: Callable[[Variant], Path], variant: Variant, checker_python: Path
) -> None:
    verdict = lint_imports(baked(variant), checker_python)

    assert verdict.startswith("exit 0"), verdict
    assert "Product apps over the test harness over the platform KEPT" in verdict
    assert "Contracts: 5 kept, 0 broken." in verdict


def test_the_import_contract_refuses_a_platform_module_that_imports_the_example(
    baked: Callable[[Variant], Path], checker_python: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(baked(DEFAULT), project)
    health = project / SLUG / "platform" / "core" / "health.py"
    health.write_text(f"from {SLUG}.notes.models import Note  # noqa\n" + health.read_text())

    verdict = lint_imports(project, checker_python)

    assert verdict.startswith("exit 1"), verdict
    assert f"{SLUG}.platform.core.health -> {SLUG}.notes.models" in verdict


def readme_steps(project: Path) -> str:
    readme = (project / "README.md").read_text()
    return readme.split("## Your first app\n", 1)[1].split("\n## ", 1)[0]


def drop_lines(path: Path, marker: str, *, with_comment_above: bool = False) -> None:
    """Remove the line holding `marker` (and the comment line just above it)."""
    lines = path.read_text().splitlines(keepends=True)
    [index] = [n for n, line in enumerate(lines) if marker in line]
    start = index - 1 if with_comment_above and lines[index - 1].lstrip().startswith("#") else index
    path.write_text("".join(lines[:start] + lines[index + 1 :]))


@pytest.fixture
def own_database() -> Iterator[str]:
    """A database URL of this test's own (`make migrate` creates it), dropped afterwards."""
    url = database_url(Variant("replace-example"))
    yield url
    dropdb = ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", url.rsplit("/", 1)[1]]
    ok(run(dropdb, cwd=Path("/")))


@pytest.mark.slow
def test_replacing_the_example_as_the_readme_says_keeps_the_project_green(
    baked: Callable[[Variant], Path], tmp_path: Path, own_database: str
) -> None:
    project = tmp_path / "project"
    # Without the shared bake's .venv: another test may be installing into it meanwhile, and a
    # copy taken mid-install is broken in ways `make install` does not repair.
    shutil.copytree(baked(DEFAULT), project, ignore=shutil.ignore_patterns(".venv"))
    steps = readme_steps(project)
    env = {"DATABASE_URL": own_database, "REDIS_DURABLE_URL": REDIS_URL}
    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "migrate"], cwd=project, env=env))

    # The README's steps, in order, as a user would carry them out.
    assert "manage.py migrate notes zero" in steps
    ok(run([".venv/bin/python", "manage.py", "migrate", "notes", "zero"], cwd=project, env=env))
    assert f"`{SLUG}/notes/`" in steps
    shutil.rmtree(project / SLUG / "notes")
    assert f'`"{SLUG}.notes",`' in steps and '`path("api/notes/", ...)`' in steps
    drop_lines(
        project / "config" / "settings" / "base.py", f'"{SLUG}.notes",', with_comment_above=True
    )
    drop_lines(project / "config" / "urls.py", '"api/notes/"')
    assert "`config/settings/components/notes.py`" in steps and "`NOTE_BODY_MAX_LENGTH`" in steps
    (project / "config" / "settings" / "components" / "notes.py").unlink()
    drop_lines(project / "config" / "settings" / "base.py", "config.settings.components.notes")
    drop_lines(project / ".env.example", "NOTE_BODY_MAX_LENGTH", with_comment_above=True)

    assert "make lint typecheck test" in steps
    ok(run(["make", "lint"], cwd=project))
    ok(run(["make", "typecheck"], cwd=project))
    check = ok(run([".venv/bin/python", "manage.py", "check"], cwd=project, env=env))
    assert "no issues" in check
    ok(
        run(
            [".venv/bin/python", "manage.py", "makemigrations", "--check", "--dry-run"],
            cwd=project,
            env=env,
        )
    )
    # The tier that starts no processes: the full suite runs in test_generated_suites.
    tests = ok(run(["make", "test-fast"], cwd=project, env=env))
    assert " passed" in tests
    assert " failed" not in tests
