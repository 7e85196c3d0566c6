from pathlib import Path

import pytest
from django_redis import get_redis_connection
from pytest_django.fixtures import Settings
from redis import BlockingConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    redis_client,
    redis_role_urls,
)
from {{ cookiecutter.project_slug }}.testing.project import check_redis_report
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis


def test_each_role_has_one_client_per_process() -> None:
    for role in redis_role_urls():
        assert redis_client(role) is redis_client(role), role


def test_the_cache_role_shares_django_redis_pool() -> None:
    assert redis_client("cache").connection_pool is get_redis_connection("default").connection_pool


def test_the_durable_role_is_a_blocking_pool_on_redis_url(settings: Settings) -> None:
    client = redis_client("durable")
    pool = client.connection_pool

    assert isinstance(pool, BlockingConnectionPool)
    assert pool.max_connections == 50
    assert pool.connection_kwargs["db"] == int(settings.REDIS_DURABLE_URL.rsplit("/", 1)[1] or 0)


def test_roles_default_to_distinct_databases_of_redis_url() -> None:
    urls = redis_role_urls()

    assert len(set(urls.values())) == len(urls)


def test_an_unknown_role_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: cache"):
        redis_client("nonsense")


def test_changing_the_url_setting_builds_a_new_client(
    settings: Settings, own_redis: OwnRedis
) -> None:
    before = redis_client("durable")
    settings.REDIS_DURABLE_URL = own_redis.url(db=3)

    after = redis_client("durable")
    after.set("moved", "yes")

    assert after is not before
    assert after.connection_pool.connection_kwargs["port"] == own_redis.port
    assert after.get("moved") == b"yes"


@pytest.mark.system
def test_rediss_verifies_the_server_certificate_by_default(
    settings: Settings, tls_redis: tuple[OwnRedis, Path]
) -> None:
    server, _ = tls_redis
    settings.REDIS_DURABLE_URL = f"rediss://127.0.0.1:{server.port}/0"

    with pytest.raises(RedisConnectionError, match="certificate verify failed"):
        redis_client("durable").ping()


@pytest.mark.system
def test_rediss_connects_with_the_configured_ca_bundle(
    settings: Settings, tls_redis: tuple[OwnRedis, Path]
) -> None:
    server, ca_certificate = tls_redis
    settings.REDIS_DURABLE_URL = f"rediss://127.0.0.1:{server.port}/0"
    settings.REDIS_SSL_CA_CERTS = str(ca_certificate)

    assert redis_client("durable").ping() is True


@pytest.mark.system
def test_every_role_speaks_tls_and_verifies_the_certificate(
    tls_redis: tuple[OwnRedis, Path],
) -> None:
    server, ca_certificate = tls_redis
    url = f"rediss://127.0.0.1:{server.port}/0"

    verified = check_redis_report(REDIS_DURABLE_URL=url, REDIS_SSL_CA_CERTS=str(ca_certificate))
    unverifiable = check_redis_report(REDIS_DURABLE_URL=url)

    assert set(verified) == set(redis_role_urls())  # cache and sessions too (django-redis)
    assert all(verified.values()), verified
    assert not any(unverifiable.values()), unverifiable
