"""The hooks: answers are validated before anything is written; secrets are fresh; files of
unchosen options are gone."""

import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, MINIMAL, TEMPLATE, Variant, run

ENV_FILES = (".env", ".env.production")


def cookiecutter_cli(tmp_path: Path, *answers: str) -> tuple[int, str]:
    result = run(
        ["cookiecutter", "--no-input", str(TEMPLATE), "-o", str(tmp_path), *answers],
        cwd=tmp_path,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            ("project_slug=My-Project",),
            "project_slug 'My-Project' is not a valid Python package name",
        ),
        (("project_slug=2fast",), "project_slug '2fast' is not a valid Python package name"),
        (("project_slug=django",), "project_slug 'django' would shadow a module"),
        (("email=not-an-email",), "email 'not-an-email' is not an email address"),
        (
            ("domain_name=https://example.com",),
            "domain_name 'https://example.com' is not a host name",
        ),
        (("timezone=Mars/Olympus",), "timezone 'Mars/Olympus' is unknown"),
        (("use_celery=maybe",), "use_celery must be 'y' or 'n'"),
        (
            ("use_celery=n", "use_celery_beat=y"),
            "use_celery_beat=y needs use_celery=y: set use_celery=y or use_celery_beat=n.",
        ),
    ],
)
def test_invalid_answers_fail_with_a_message_and_generate_nothing(
    tmp_path: Path, answers: tuple[str, ...], message: str
) -> None:
    code, output = cookiecutter_cli(tmp_path, *answers)

    assert code != 0
    assert message in output
    assert list(tmp_path.iterdir()) == []


def env_values(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    return {key: value for key, value in pairs}


@pytest.mark.parametrize("name", ENV_FILES)
def test_env_files_hold_fresh_private_secrets(baked: Callable[[Variant], Path], name: str) -> None:
    path = baked(DEFAULT) / name
    values = env_values(path)

    assert not re.search(r"__[A-Z_]+__", path.read_text()), "a secret placeholder was left unfilled"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert len(set(values["DJANGO_SECRET_KEY"])) >= 5
    assert len(values["POSTGRES_PASSWORD"]) >= 24
    assert f":{values['POSTGRES_PASSWORD']}@" in values["DATABASE_URL"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.glob("_env.*")) == [], "env file sources must not be shipped"


def test_secrets_differ_between_env_files_and_between_bakes(
    baked: Callable[[Variant], Path], tmp_path: Path
) -> None:
    from tests.bakery import bake

    first = baked(DEFAULT)
    second = bake(DEFAULT, tmp_path)
    keys = [
        env_values(project / name)["DJANGO_SECRET_KEY"]
        for project in (first, second)
        for name in ENV_FILES
    ]

    assert len(set(keys)) == 4


def test_production_env_requires_a_redis_password(baked: Callable[[Variant], Path]) -> None:
    values = env_values(baked(DEFAULT) / ".env.production")

    assert values["REDIS_URL"] == f"redis://:{values['REDIS_PASSWORD']}@redis:6379/0"


def files_mentioning(project: Path, word: str) -> list[str]:
    pattern = re.compile(word, re.IGNORECASE)
    return [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and not {".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache"} & set(path.parts)
        and path.suffix in (".py", ".toml", ".yml", ".example", "")
        and path.name != "README.md"
        and pattern.search(path.read_text(errors="replace"))
    ]


def test_minimal_project_has_no_trace_of_unchosen_features(
    baked: Callable[[Variant], Path],
) -> None:
    project = baked(MINIMAL)

    assert files_mentioning(project, "celery") == []
    assert files_mentioning(project, "sentry") == []
    assert files_mentioning(project, "REDIS_SESSIONS_URL") == []
    # Supabase stays only as the database's pool-mode setting.
    assert (
        files_mentioning(project, r"import jwt|from supabase|pytest-httpserver|SUPABASE_URL") == []
    )
    assert not (project / project.name / "platform" / "integrations").exists()
    assert not (project / ".github").exists()
    assert not (project / "LICENSE").exists()


def test_default_project_has_its_optional_files(baked: Callable[[Variant], Path]) -> None:
    project = baked(DEFAULT)

    assert (project / "config" / "celery.py").is_file()
    assert (project / ".github" / "workflows" / "ci.yml").is_file()
    assert "MIT License" in (project / "LICENSE").read_text()
    assert "beat:" in (project / "Makefile").read_text()
