"""Running the project in other processes (servers, workers) against the test run's database
and Redis keys."""

import os
from urllib.parse import quote

from django.conf import settings


def test_database_url() -> str:
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
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        **overrides,
    }
