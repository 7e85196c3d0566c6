"""System checks for Redis and the database: misconfiguration is reported at start-up, with
the fix.

IDs are stable: E001 cache shares a database, E002 unimportable PARSER_CLASS, E003 Redis
without a password in a deployment, E004 sessions on the evicting cache, E006 unknown
SUPABASE_DB_POOL_MODE, E007 database without TLS in a deployment, E035 a Redis cache that
pickles its values, E047 transaction pooler with session-bound features on, W048 a transaction
pooler's port without SUPABASE_DB_POOL_MODE=transaction.
"""

from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string
from django_redis.serializers.pickle import PickleSerializer

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls

RedisDatabase = tuple[str, int, int]


def redis_database(url: str) -> RedisDatabase:
    """(host, port, db number) of a redis:// or rediss:// URL."""
    parts = urlsplit(url)
    db = parts.path.strip("/") or "0"
    return (parts.hostname or "localhost", parts.port or 6379, int(db) if db.isdigit() else 0)


def roles_sharing_the_cache_database() -> list[str]:
    urls = redis_role_urls()
    cache = redis_database(urls.pop("cache"))
    return [role for role, url in urls.items() if redis_database(url) == cache]


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
            id=check_id("E001"),
        )
    ]


@register(Tags.caches)
def check_parser_class_exists(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias, options in settings.CACHES.items():
        cache_options = cast("dict[str, Any]", options.get("OPTIONS", {}))
        parser_class = cache_options.get("PARSER_CLASS")
        if not parser_class:
            continue
        try:
            import_string(parser_class)
        except ImportError:
            errors.append(
                Error(
                    f'CACHES["{alias}"] sets PARSER_CLASS to {parser_class!r}: no such class.',
                    hint=(
                        "redis-py 5 renamed HiredisParser and picks hiredis by itself when it is "
                        "installed: remove PARSER_CLASS."
                    ),
                    id=check_id("E002"),
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_redis_requires_a_password(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    open_roles = [role for role, url in redis_role_urls().items() if not urlsplit(url).password]
    if not open_roles:
        return []
    return [
        Error(
            f"Redis is reached without a password for: {', '.join(open_roles)}.",
            hint=(
                "Run Redis with requirepass (or an ACL user) and put the password in the URL: "
                "redis://:<password>@host:6379/0 (or rediss:// for TLS)."
            ),
            id=check_id("E003"),
        )
    ]


@register(Tags.caches)
def check_sessions_are_not_in_the_cache(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.cached_db",
    ):
        return []
    alias = getattr(settings, "SESSION_CACHE_ALIAS", "default")
    location = settings.CACHES.get(alias, {}).get("LOCATION")
    on_cache = alias == "default" or (
        location is not None
        and redis_database(str(location)) == redis_database(redis_role_urls()["cache"])
    )
    if not on_cache:
        return []
    return [
        Error(
            f"Sessions are stored in the cache (SESSION_CACHE_ALIAS={alias!r}).",
            hint=(
                "The cache evicts keys under memory pressure, which logs users out: keep "
                'SESSION_CACHE_ALIAS = "sessions", a CACHES alias on its own Redis database.'
            ),
            id=check_id("E004"),
        )
    ]


SAFE_SSLMODES = ("require", "verify-ca", "verify-full")


@register(Tags.database)
def check_database_pool_mode(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.SUPABASE_DB_POOL_MODE in settings.SUPABASE_DB_POOL_MODES:
        return []
    return [
        Error(
            f"SUPABASE_DB_POOL_MODE={settings.SUPABASE_DB_POOL_MODE!r} is not a pool mode.",
            hint="Use direct, session or transaction (the port 6543 pooler).",
            id=check_id("E006"),
        )
    ]


# Supabase's transaction pooler (Supavisor) listens on this port.
TRANSACTION_POOLER_PORT = 6543


def session_bound_features(database: dict[str, Any]) -> list[str]:
    """What a database's settings use that needs one server connection across transactions."""
    features = []
    if not database.get("DISABLE_SERVER_SIDE_CURSORS"):
        features.append("server-side cursors (DISABLE_SERVER_SIDE_CURSORS is not True)")
    if database.get("OPTIONS", {}).get("prepare_threshold", 5) is not None:
        features.append("prepared statements (OPTIONS prepare_threshold is not None)")
    if database.get("CONN_MAX_AGE"):
        features.append("persistent connections (CONN_MAX_AGE is not 0)")
    return features


def transaction_pooler_messages(mode: str, database: dict[str, Any]) -> list[CheckMessage]:
    """What is wrong with `database` (a DATABASES entry) under SUPABASE_DB_POOL_MODE=`mode`."""
    if mode == "transaction":
        features = session_bound_features(database)
        if not features:
            return []
        return [
            Error(
                f"The transaction pooler is in use but the database settings keep "
                f"{'; '.join(features)}.",
                hint=(
                    "Consecutive transactions may run on different server connections, where a "
                    "cursor or prepared statement does not exist: keep the values "
                    "config/settings/components/database.py sets for SUPABASE_DB_POOL_MODE="
                    "transaction."
                ),
                id=check_id("E047"),
            )
        ]
    if str(database.get("PORT")) == str(TRANSACTION_POOLER_PORT):
        return [
            Warning(
                f"DATABASE_URL is on port {TRANSACTION_POOLER_PORT}, the transaction pooler's, "
                f"but SUPABASE_DB_POOL_MODE={mode!r}.",
                hint=(
                    "Set SUPABASE_DB_POOL_MODE=transaction: it turns off server-side cursors, "
                    "prepared statements and persistent connections, which break behind it."
                ),
                id=check_id("W048"),
            )
        ]
    return []


@register(Tags.database)
def check_transaction_pooler_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return transaction_pooler_messages(
        settings.SUPABASE_DB_POOL_MODE, settings.DATABASES["default"]
    )


@register(Tags.security, deploy=True)
def check_database_requires_tls(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    sslmode = settings.DATABASES["default"].get("OPTIONS", {}).get("sslmode")
    if sslmode in SAFE_SSLMODES:
        return []
    return [
        Error(
            f"The database connection does not require TLS (sslmode={sslmode!r}).",
            hint="Add ?sslmode=require (or verify-full with sslrootcert) to DATABASE_URL.",
            id=check_id("E007"),
        )
    ]


def pickles_its_values(cache: dict[str, Any]) -> bool:
    """Does this CACHES entry store pickles in Redis? (django-redis's default, and the only format
    of Django's own RedisCache.)"""
    backend = cache.get("BACKEND", "")
    if backend == "django.core.cache.backends.redis.RedisCache":
        return True
    if backend != "django_redis.cache.RedisCache":
        return False
    options = cast("dict[str, Any]", cache.get("OPTIONS", {}))
    serializer = options.get("SERIALIZER", "django_redis.serializers.pickle.PickleSerializer")
    try:
        serializer_class = import_string(serializer) if isinstance(serializer, str) else serializer
    except ImportError:
        return False  # django-redis itself reports it when the cache is first used
    return isinstance(serializer_class, type) and issubclass(serializer_class, PickleSerializer)


@register(Tags.caches)
def check_redis_caches_store_data_only(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(
            f'CACHES["{alias}"] stores pickles in Redis.',
            hint=(
                "Loading a pickle runs code: anyone who can write a key in that Redis could run "
                "code in this app. Set OPTIONS SERIALIZER to "
                '"{{ cookiecutter.project_slug }}.platform.core.cache_serializers.JSONSerializer" '
                "(django-redis) and cache data, "
                "not objects."
            ),
            id=check_id("E035"),
        )
        for alias, cache in settings.CACHES.items()
        if pickles_its_values(cache)
    ]
