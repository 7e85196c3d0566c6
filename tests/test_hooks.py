"""The hooks: answers are validated before anything is written; secrets are fresh; files of
unchosen options are gone."""

import ast
import re
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.bakery import (
    ALL_VARIANTS,
    DEFAULT,
    TEMPLATE,
    Variant,
    env_values,
    option_defaults,
    option_values,
    pre_gen_hook,
    run,
)

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
        (("project_slug=class",), "project_slug 'class' is not a valid Python package name"),
        (("project_slug=django",), "project_slug 'django' would shadow a module"),
        (("project_slug=json",), "project_slug 'json' would shadow a module"),
        (("project_slug=redis",), "project_slug 'redis' would shadow a module"),
        (("project_slug=test",), "project_slug 'test' would shadow a module"),
        (
            (f"project_slug={'a' * 33}",),
            f"project_slug '{'a' * 33}' is 33 characters long: give a project_slug of at most 32",
        ),
        (("email=not-an-email",), "email 'not-an-email' is not an email address"),
        (
            ("domain_name=https://example.com",),
            "domain_name 'https://example.com' is not a host name",
        ),
        (("timezone=Mars/Olympus",), "timezone 'Mars/Olympus' is unknown"),
        (("use_celery=maybe",), "use_celery must be 'y' or 'n'"),
        (
            ("session_backend=memcached",),
            "session_backend must be one of redis, redis_with_db_fallback, database, "
            "not 'memcached'.",
        ),
        (("ci=gitlab",), "ci must be one of github, none, not 'gitlab'."),
    ],
)
def test_invalid_answers_fail_with_one_line_and_generate_nothing(
    tmp_path: Path, answers: tuple[str, ...], message: str
) -> None:
    code, output = cookiecutter_cli(tmp_path, *answers)

    assert code != 0
    said = [line for line in output.splitlines() if message in line]
    assert len(said) == 1
    assert said[0].startswith(f"ERROR: {message}")
    assert "Traceback" not in output
    assert list(tmp_path.iterdir()) == []


def imported_top_level_modules(project: Path) -> set[str]:
    """Modules the project's code imports, and those its settings name in dotted paths."""
    names = set()
    for path in project.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif (
                "config" in path.relative_to(project).parts
                and isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", node.value)
            ):
                names.add(node.value.split(".")[0])
    return names - {project.name}


def test_every_module_the_project_imports_is_refused_as_its_slug(
    baked: Callable[[Variant], Path],
) -> None:
    everything_on = {name: values[-1] for name, values in option_values().items()}
    everything_on.update({name: "y" for name, values in option_values().items() if "y" in values})
    project = baked(Variant("everything-on", everything_on))
    hook = pre_gen_hook()

    accepted = [
        name for name in sorted(imported_top_level_modules(project)) if not hook.slug_problem(name)
    ]

    assert "rest_framework" in imported_top_level_modules(project), "imports are no longer found"
    assert accepted == []


def test_turning_celery_off_turns_beat_off_with_a_note(tmp_path: Path) -> None:
    code, output = cookiecutter_cli(tmp_path, "use_celery=n")
    project = tmp_path / "my_project"

    assert code == 0, output
    assert "NOTE: use_celery=n: Celery beat is left out too (use_celery_beat=n)." in output
    assert files_mentioning(project, r"celery|\bbeat\b") == []


def test_the_post_generation_hook_prints_the_next_steps(tmp_path: Path) -> None:
    code, output = cookiecutter_cli(tmp_path)
    project = tmp_path / "my_project"

    assert code == 0, output
    assert f"cd {project} && make install && make run" in output
    assert ".env (local) and .env.production" in output


@pytest.mark.parametrize("name", ENV_FILES)
def test_env_files_hold_fresh_private_secrets(baked: Callable[[Variant], Path], name: str) -> None:
    path = baked(DEFAULT) / name
    values = env_values(path)

    assert not re.search(r"__[A-Z_]+__", path.read_text()), "a secret placeholder was left unfilled"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert len(set(values["DJANGO_SECRET_KEY"])) >= 5
    assert len(values["POSTGRES_PASSWORD"]) >= 24
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.glob("_env.*")) == [], "env file sources must not be shipped"


def test_the_local_database_url_carries_the_generated_postgres_password(
    baked: Callable[[Variant], Path],
) -> None:
    values = env_values(baked(DEFAULT) / ".env")

    assert urlsplit(values["DATABASE_URL"]).password == values["POSTGRES_PASSWORD"]


def test_the_production_database_url_asks_for_the_supabase_password(
    baked: Callable[[Variant], Path],
) -> None:
    """Supabase set its database password: a generated one in the URL would look real and fail.
    The placeholder in its place is one `check --deploy` refuses (E020), and the file says so."""
    text = (baked(DEFAULT) / ".env.production").read_text()
    values = env_values(baked(DEFAULT) / ".env.production")
    password = urlsplit(values["DATABASE_URL"]).password

    assert password != values["POSTGRES_PASSWORD"]
    assert password == "replace-with-your-supabase-database-password"
    assert "database password" in text.split("\nDATABASE_URL=", 1)[0].rsplit("\n\n", 1)[-1]


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

    assert values["REDIS_DURABLE_URL"] == f"redis://:{values['REDIS_PASSWORD']}@redis:6379/0"


# The record of every answer (for `cruft update`) names each option, chosen or not.
ANSWERS_RECORD = ".cruft.json"


def files_mentioning(project: Path, word: str) -> list[str]:
    """Files whose path or contents match `word` (case-insensitive)."""
    pattern = re.compile(word, re.IGNORECASE | re.MULTILINE)
    return [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and path.name != ANSWERS_RECORD
        # Tools' caches and builds (`site`: make docs) of the bake, which git ignores.
        and not {".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__", "site"}
        & set(path.relative_to(project).parts)
        and (
            pattern.search(str(path.relative_to(project)))
            or pattern.search(path.read_text(errors="replace"))
        )
    ]


# What must appear nowhere in a bake (README, Makefile and every other file included) when an
# option has the value on the left. Every option has a row: an option whose value can turn
# nothing off still names what its other value would add.
TRACES_OF_UNCHOSEN: list[tuple[dict[str, str], str]] = [
    ({"use_celery": "n"}, r"celery|check_worker|make worker|start_worker|\bbeat\b"),
    ({"use_celery_beat": "n"}, r"\bbeat\b|celery_beat|celery-beat"),
    ({"use_sentry": "n"}, r"sentry"),
    (
        {"session_backend": "database"},
        r"REDIS_SESSIONS_URL|sessions_unavailable|^SESSION_CACHE_ALIAS = ",
    ),
    (
        {"session_backend": "redis_with_db_fallback"},
        r"sessions_unavailable|accounts/session_store\.py",
    ),
    ({"use_supabase_auth": "n"}, r"import jwt|jwks|SUPABASE_JWT|/api/me/|pyjwt"),
    (
        {"use_supabase_storage": "n"},
        r"^\s*(from|import) supabase\b|SUPABASE_STORAGE|/api/files/|storage3",
    ),
    # Without both, Supabase stays only as the database's pool-mode setting.
    (
        {"use_supabase_auth": "n", "use_supabase_storage": "n"},
        r"SUPABASE_URL|pytest-httpserver|integrations/supabase",
    ),
    ({"use_realtime": "n"}, r"realtime|event-stream|EventSource"),
    ({"include_example": "n"}, r"\bnote_|\bNote\b|note\.\w|/api/notes|notes/|\.notes\b|NOTE_BODY"),
    ({"ci": "none"}, r"\.github|github actions"),
    ({"open_source_license": "Not open source"}, r"\blicen[cs]e\b"),
]


def test_every_option_has_a_row_of_traces() -> None:
    options = {name for condition, _ in TRACES_OF_UNCHOSEN for name in condition}

    assert options == set(option_values())


@pytest.mark.parametrize("variant", ALL_VARIANTS, ids=[variant.name for variant in ALL_VARIANTS])
def test_no_bake_mentions_a_feature_it_left_out(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    answers = {**option_defaults(), **variant.answers}

    traces = {
        pattern: found
        for condition, pattern in TRACES_OF_UNCHOSEN
        if condition.items() <= answers.items()
        and (found := sorted(files_mentioning(project, pattern)))
    }

    assert traces == {}


def test_default_project_has_its_optional_files(baked: Callable[[Variant], Path]) -> None:
    project = baked(DEFAULT)

    assert (project / "config" / "celery.py").is_file()
    assert (project / ".github" / "workflows" / "ci.yml").is_file()
    assert "MIT License" in (project / "LICENSE").read_text()
    assert "beat:" in (project / "Makefile").read_text()
