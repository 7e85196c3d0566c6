"""The project in another process (a server, a worker, `python -c`), on the test run's database
and Redis keys, so that what it writes is what the test reads and the run's clean-up finds."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]


def shared_database_url() -> str:
    """DATABASE_URL of the database pytest-django created, for another process to share."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += f":{quote(db['PASSWORD'])}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def live_process_env(**overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_RUN_KEY_PREFIX": settings.TEST_RUN_KEY_PREFIX,
        "DATABASE_URL": shared_database_url(),
        "REDIS_DURABLE_URL": settings.REDIS_DURABLE_URL,
        **overrides,
    }


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process (config.settings.production, no .env file read)
    on the test run's database and Redis keys, so the run's clean-up still finds them."""
    return live_process_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_ENV_FILE=str(PROJECT_DIR / "no-env-file"),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        REDIS_KEY_PREFIX=settings.TEST_RUN_KEY_PREFIX,
        RATE_LIMIT_KEY_PREFIX=settings.RATE_LIMIT_KEY_PREFIX,
{%- if cookiecutter.use_realtime == "y" %}
        REALTIME_PREFIX=settings.REALTIME_PREFIX,
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
        CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
{%- endif %}
{%- if cookiecutter.use_supabase_auth == "y" or cookiecutter.use_supabase_storage == "y" %}
        SUPABASE_URL=settings.SUPABASE_URL,
        SUPABASE_SECRET_KEY="sb_secret_test",
{%- endif %}
        **overrides,
    )


def run_project(code: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh process of the project, with its settings built from `env` (a variable
    given as None is left out, not inherited from this process)."""
    left_out = {name for name, value in env.items() if value is None}
    given = {name: value for name, value in env.items() if value is not None}
    process_env = {
        name: value for name, value in live_process_env(**given).items() if name not in left_out
    }
    return subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT_DIR,
        env=process_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def check_redis_report(**env: str) -> dict[str, bool]:
    """Each role's verdict from `manage.py check_redis --json` run with `env`."""
    code = "from django.core.management import call_command; call_command('check_redis', json=True)"
    result = run_project(code, **env)
    report = json.loads(result.stdout)
    return {role["role"]: role["ok"] for role in report["roles"]}
