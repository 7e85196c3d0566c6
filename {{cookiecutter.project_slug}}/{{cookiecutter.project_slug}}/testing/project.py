"""The project in another process (a server, a worker, `python -c`), on the test run's database
and Redis keys, so that what it writes is what the test reads and the run's clean-up finds."""

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
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


# What a feature's production settings require of the environment (URLs, keys), by feature: its
# `testing/<feature>_fixtures.py` adds them.
FEATURE_PRODUCTION_ENV: list[Callable[[], dict[str, str]]] = []
# Values a deployment of a feature would set, enough for its production settings to pass
# `check --deploy`, by feature: its `testing/<feature>_fixtures.py` adds them.
FEATURE_DEPLOYMENT_ENV: dict[str, str] = {}


def run_scoped_settings() -> dict[str, str]:
    """Each setting the test settings scope to this run (a key prefix, a queue), under its own name:
    the production settings read them from the environment by the same names."""
    prefix = settings.TEST_RUN_KEY_PREFIX
    values = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    return {
        name: value
        for name, value in values.items()
        if isinstance(value, str) and value.startswith(prefix)
    }


def feature_production_env() -> dict[str, str]:
    return {name: value for env in FEATURE_PRODUCTION_ENV for name, value in env().items()}


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process (config.settings.production, no .env file read)
    on the test run's database and Redis keys, so the run's clean-up still finds them."""
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ENV_FILE": str(PROJECT_DIR / "no-env-file"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_KEY_PREFIX": settings.TEST_RUN_KEY_PREFIX,
        **run_scoped_settings(),
        **feature_production_env(),
    }
    return live_process_env(**{**production, **overrides})


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
