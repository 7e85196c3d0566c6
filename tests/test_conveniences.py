"""What a generated project's users expect beside the code: pre-commit hooks, Dependabot, and a
.cruft.json that lets `cruft update` take later template changes (tests/test_template_updates.py
runs such an update)."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, MINIMAL, TEMPLATE, Variant, ok, option_defaults, run
from tests.test_generated_suites import DEFAULT_BAKE

# Per-project files `cruft update` must never write: secrets, the lock, a local signing key.
PER_PROJECT = {".env", ".env.production", "uv.lock", ".dev-token-key.pem"}


def test_dependabot_config_matches_githubs_schema(baked: Callable[[Variant], Path]) -> None:
    config = baked(DEFAULT) / ".github" / "dependabot.yml"
    check = ["check-jsonschema", "--builtin-schema", "vendor.dependabot", str(config)]

    ok(run(check, cwd=TEMPLATE))
    assert 'package-ecosystem: "uv"' in config.read_text()
    assert 'package-ecosystem: "github-actions"' in config.read_text()


def test_without_ci_there_is_no_dependabot_config(baked: Callable[[Variant], Path]) -> None:
    project = baked(MINIMAL)

    assert MINIMAL.answers["ci"] == "none"
    assert not (project / ".github").exists()
    assert "dependabot" not in (project / "README.md").read_text().lower()


@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
def test_cruft_json_records_the_template_its_commit_and_the_answers(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    state = json.loads((baked(variant) / ".cruft.json").read_text())
    head = ok(run(["git", "rev-parse", "HEAD"], cwd=TEMPLATE)).split("\n")[1]
    answers = state["context"]["cookiecutter"]

    assert state["template"] == answers["_template"] == str(TEMPLATE)
    assert state["commit"] == answers["_commit"] == head
    assert {name: answers[name] for name in option_defaults()} == {
        **option_defaults(),
        **variant.answers,
    }
    assert answers["project_slug"] == "my_project"
    # Where this machine keeps things means nothing to the project's other clones.
    assert not {"_output_dir", "_repo_dir", "_checkout"} & set(answers)
    assert set(state["skip"]) >= PER_PROJECT | {".cruft.json"}


def test_a_template_outside_git_records_no_commit(tmp_path: Path) -> None:
    """A template unpacked from a zip has no commit: the record says so instead of guessing."""
    copy = tmp_path / "template"
    archive = tmp_path / "template.tar"
    ok(run(["git", "init", "--quiet", str(tmp_path)], cwd=tmp_path))  # a repository around it
    ok(run(["git", "archive", "--prefix=template/", "-o", str(archive), "HEAD"], cwd=TEMPLATE))
    ok(run(["tar", "-xf", str(archive), "-C", str(tmp_path)], cwd=tmp_path))
    ok(run(["cookiecutter", "--no-input", str(copy), "-o", str(tmp_path / "out")], cwd=tmp_path))

    state = json.loads((tmp_path / "out" / "my_project" / ".cruft.json").read_text())

    assert state["commit"] == ""
    assert state["template"] == str(copy)


@pytest.fixture
def git_repository(baked: Callable[[Variant], Path]) -> Iterator[Path]:
    """The installed default bake as a fresh git repository, every file added; the repository is
    removed afterwards, as other tests share the bake."""
    project = baked(DEFAULT)
    ok(run(["make", "install"], cwd=project))
    ok(run(["git", "init", "--quiet"], cwd=project))
    try:
        ok(run(["git", "add", "-A"], cwd=project))
        yield project
    finally:
        run(["rm", "-rf", ".git", "bad_style.py"], cwd=project)


@pytest.mark.slow
@DEFAULT_BAKE
def test_pre_commit_runs_clean_on_a_fresh_bake_and_stops_a_lint_error(
    git_repository: Path, tmp_path: Path
) -> None:
    pre_commit = [str(git_repository / ".venv" / "bin" / "pre-commit"), "run", "--all-files"]
    # Its cache here, not the user's.
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}

    clean = ok(run(pre_commit, cwd=git_repository, env=env))
    for hook in ("ruff check", "ruff format", "import contracts", "uv.lock matches"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in clean.split("\n"))

    (git_repository / "bad_style.py").write_text("import os\n")
    ok(run(["git", "add", "bad_style.py"], cwd=git_repository))
    refused = run(pre_commit, cwd=git_repository, env=env)
    assert refused.returncode != 0
    assert "F401" in refused.stdout
