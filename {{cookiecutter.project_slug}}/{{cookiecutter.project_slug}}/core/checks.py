"""System checks for the Redis layout: misconfiguration is reported at start-up, with the fix."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

RedisDatabase = tuple[str, int, int]


def redis_database(url: str) -> RedisDatabase:
    """(host, port, db number) of a redis:// or rediss:// URL."""
    parts = urlsplit(url)
    db = parts.path.strip("/") or "0"
    return (parts.hostname or "localhost", parts.port or 6379, int(db) if db.isdigit() else 0)


def roles_sharing_the_cache_database() -> list[str]:
    """Names of the settings whose Redis database is the cache's own."""
    cache = redis_database(str(settings.CACHES["default"]["LOCATION"]))
    others = {
        alias: str(options["LOCATION"])
        for alias, options in settings.CACHES.items()
        if alias != "default"
    }
{%- if cookiecutter.use_celery == "y" %}
    others["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    others["CELERY_RESULT_BACKEND"] = settings.CELERY_RESULT_BACKEND
{%- endif %}
    return [name for name, url in others.items() if redis_database(url) == cache]


@register(Tags.caches)
def check_cache_has_its_own_redis_database(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    sharing = roles_sharing_the_cache_database()
    if not sharing:
        return []
    return [
        Error(
            f"The cache shares its Redis database with: {', '.join(sharing)}.",
            hint=(
                "cache.clear() runs FLUSHDB and the cache evicts keys under memory pressure, "
                "which would delete that data; give REDIS_CACHE_URL its own database number."
            ),
            id="{{ cookiecutter.project_slug }}.E001",
        )
    ]
