"""Production settings: safe by default, secrets required. Run in a fresh interpreter each."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.testing.project import FEATURE_DEPLOYMENT_ENV, PROJECT_DIR

# Each test runs manage.py in a fresh interpreter: a process of its own.
pytestmark = pytest.mark.system

PASS_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_ENV_FILE": "/nonexistent",  # only what is given here
    "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "api.example.com",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/app?sslmode=require",
    "REDIS_DURABLE_URL": "redis://:secret@redis.internal:6379/0",
    **FEATURE_DEPLOYMENT_ENV,
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what a process needs to run: nothing the settings read leaks in from the caller.
    inherited = {key: os.environ[key] for key in PASS_THROUGH if key in os.environ}
    return subprocess.run(  # noqa: S603  (fixed arguments, our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_has_no_default_redis_url() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_DURABLE_URL"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "REDIS_DURABLE_URL" in result.stderr


def test_production_still_starts_on_the_old_redis_variable_names_and_says_so() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "REDIS_DURABLE_URL"}
    env |= {"REDIS_URL": PRODUCTION_ENV["REDIS_DURABLE_URL"], "CACHE_KEY_PREFIX": "old-deployment"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr
    assert "REDIS_URL is now called REDIS_DURABLE_URL" in result.stderr
    assert "CACHE_KEY_PREFIX is now called REDIS_KEY_PREFIX" in result.stderr


def test_production_reads_secrets_from_the_files_name_file_variables_give(
    tmp_path: Path,
) -> None:
    """The Swarm stack's secrets (deploy/swarm/stack.yml): Docker secret files, each named by a
    NAME_FILE variable, with the newline `echo` leaves; REDIS_PASSWORD_FILE's password goes into
    every Redis URL that has none, and a URL with its own keeps it."""
    files = {"DJANGO_SECRET_KEY": "s" * 60, "REDIS_PASSWORD": "p@ss/word"}
    for name, value in files.items():
        (tmp_path / name).write_text(f"{value}\n")
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    env |= {f"{name}_FILE": str(tmp_path / name) for name in files}
    env |= {
        "REDIS_DURABLE_URL": "redis://redis.internal:6379/0",
        "REDIS_CACHE_URL": "redis://:its-own@cache.internal:6379/0",
    }
    code = (
        "from django.conf import settings as s; "
        "print(repr(s.SECRET_KEY), s.REDIS_DURABLE_URL, s.REDIS_CACHE_URL, s.REDIS_RATE_LIMIT_URL)"
    )

    result = manage("shell", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        repr("s" * 60),
        "redis://:p%40ss%2Fword@redis.internal:6379/0",
        "redis://:its-own@cache.internal:6379/0",
        "redis://:p%40ss%2Fword@redis.internal:6379/5",
    ]


def test_production_refuses_a_secret_file_that_is_not_there() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = "/run/secrets/not-mounted"

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "/run/secrets/not-mounted" in result.stderr


def test_production_requires_tls_to_the_database() -> None:
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://app:secret@db.internal:5432/app"}

    result = manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "{{ cookiecutter.project_slug }}.E007" in result.stderr


def test_production_keeps_the_api_docs_private_unless_asked() -> None:
    show = ("shell", "-c", "from django.conf import settings; print(settings.API_DOCS_PUBLIC)")

    opted_in = {**PRODUCTION_ENV, "API_DOCS_PUBLIC": "True"}

    # The last word: `shell` first says what it imported.
    assert manage(*show, env=PRODUCTION_ENV).stdout.split()[-1] == "False"
    assert manage(*show, env=opted_in).stdout.split()[-1] == "True"


def test_production_lets_no_other_origin_call_the_api_unless_asked() -> None:
    show = ("shell", "-c", "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)")

    opted_in = {**PRODUCTION_ENV, "CORS_ALLOWED_ORIGINS": "https://app.example.com"}

    assert manage(*show, env=PRODUCTION_ENV).stdout.split()[-1] == "[]"
    assert manage(*show, env=opted_in).stdout.split()[-1] == "['https://app.example.com']"


def test_local_settings_let_the_usual_front_end_dev_servers_call_the_api() -> None:
    show = ("shell", "-c", "from django.conf import settings; print(settings.CORS_ALLOWED_ORIGINS)")
    local = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_ENV_FILE": "/nonexistent"}

    origins = manage(*show, env=local).stdout

    assert "'http://localhost:5173'" in origins
    assert "'http://127.0.0.1:3000'" in origins


def test_the_generated_placeholders_fail_the_deploy_check() -> None:
    placeholder = "db.your-project-ref.supabase.co"
    database = f"postgres://postgres:pw@{placeholder}:5432/postgres?sslmode=require"
    env = {**PRODUCTION_ENV, "DATABASE_URL": database}

    result = manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "{{ cookiecutter.project_slug }}.E020" in result.stderr
