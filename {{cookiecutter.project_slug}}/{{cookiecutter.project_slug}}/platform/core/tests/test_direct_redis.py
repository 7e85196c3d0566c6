"""Direct Redis access through the shared durable client: the everyday commands."""

import uuid
from collections.abc import Iterator

import pytest
from redis import Redis

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client


@pytest.fixture
def r() -> Redis:
    return redis_client("durable")


@pytest.fixture
def key(r: Redis) -> Iterator[str]:
    name = f"test:direct:{uuid.uuid4().hex}"
    yield name
    r.delete(name)


def test_strings(r: Redis, key: str) -> None:
    r.set(key, "bar")
    assert r.get(key) == b"bar"


def test_lists(r: Redis, key: str) -> None:
    r.lpush(key, "item1", "item2")
    assert r.lrange(key, 0, -1) == [b"item2", b"item1"]


def test_sets(r: Redis, key: str) -> None:
    r.sadd(key, "member1", "member2", "member1")
    assert r.smembers(key) == {b"member1", b"member2"}


def test_hashes(r: Redis, key: str) -> None:
    r.hset(key, "field1", "value1")
    assert r.hget(key, "field1") == b"value1"


def test_expiry_is_set_with_the_value(r: Redis, key: str) -> None:
    # r.setex(key, 3600, value) is deprecated in redis-py: SET with EX does the same.
    r.set(key, "value", ex=3600)
    assert 3590 < r.ttl(key) <= 3600
    assert r.get(key) == b"value"
