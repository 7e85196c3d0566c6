"""A generated project takes a newer template with `cruft update` (the generated
docs/template-updates.md): baked from an older commit, edited and committed by its user, then
updated to the template's newest commit without a conflict in any file the user left alone."""

import json
import shutil
from pathlib import Path

import pytest

from tests.bakery import TEMPLATE, ok, run

# What the template repository holds besides its own tests' and tools' output.
NOT_TEMPLATE = shutil.ignore_patterns(
    ".git", ".venv", ".bake", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"
)
IDENTITY = ["-c", "user.name=Template Test", "-c", "user.email=test@example.com"]
TEMPLATE_CHANGE = "# Added by the newer template: `make help` lists the targets.\n"
USER_EDIT = "Our team's notes on this service live in the wiki.\n"
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")


def commit_all(repository: Path, message: str) -> str:
    ok(run(["git", "add", "-A"], cwd=repository))
    ok(run(["git", *IDENTITY, "commit", "--quiet", "-m", message], cwd=repository))
    return ok(run(["git", "rev-parse", "HEAD"], cwd=repository)).split("\n")[1]


def template_repository(directory: Path) -> str:
    """The working template as a repository of its own; its one commit so far."""
    shutil.copytree(TEMPLATE, directory, ignore=NOT_TEMPLATE)
    ok(run(["git", "init", "--quiet", "--initial-branch=main"], cwd=directory))
    return commit_all(directory, "The older template")


def conflicted(project: Path) -> list[str]:
    """Files `cruft update` could not merge: its .rej files and files with conflict markers."""
    found = []
    for path in project.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        if path.suffix == ".rej" or any(f"\n{mark}" in f"\n{text}" for mark in CONFLICT_MARKERS):
            found.append(str(path.relative_to(project)))
    return found


@pytest.mark.slow
def test_cruft_update_brings_a_template_change_into_an_edited_project(tmp_path: Path) -> None:
    template = tmp_path / "template"
    older = template_repository(template)
    # A process of its own: cookiecutter imports a template's local_extensions once per process.
    ok(run(["cookiecutter", "--no-input", str(template), "-o", str(tmp_path)], cwd=tmp_path))
    project = tmp_path / "my_project"
    assert json.loads((project / ".cruft.json").read_text())["commit"] == older
    ok(run(["git", "init", "--quiet"], cwd=project))
    commit_all(project, "Generated")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("\n", f"\n\n{USER_EDIT}", 1))
    commit_all(project, "The user's edit")
    makefile_before = (project / "Makefile").read_text()
    secrets_before = (project / ".env").read_text()

    makefile = template / "{{cookiecutter.project_slug}}" / "Makefile"
    first_line, rest = makefile.read_text().split("\n", 1)
    makefile.write_text(f"{first_line}\n{TEMPLATE_CHANGE}{rest}")
    newer = commit_all(template, "The newer template")
    assert run(["cruft", "check"], cwd=project).returncode != 0, "cruft check saw no newer commit"

    ok(run(["cruft", "update", "-y"], cwd=project))

    assert conflicted(project) == []
    expected = makefile_before.replace(f"{first_line}\n", f"{first_line}\n{TEMPLATE_CHANGE}", 1)
    assert (project / "Makefile").read_text() == expected
    assert USER_EDIT in readme.read_text()
    assert (project / ".env").read_text() == secrets_before  # skipped: the project's own secrets
    assert json.loads((project / ".cruft.json").read_text())["commit"] == newer
    ok(run(["cruft", "check"], cwd=project))
