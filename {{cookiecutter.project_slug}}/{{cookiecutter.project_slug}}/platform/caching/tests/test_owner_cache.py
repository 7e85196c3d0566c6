"""OwnerCache against the real cache Redis: hits cost one round trip, a write's version bump
drops every entry of its owner and no one else's, entries expire, and without Redis every read
is answered by the database."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import Http404
from pytest_django.fixtures import Settings
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.platform.caching.owner_cache import CachedPage, OwnerCache
from {{ cookiecutter.project_slug }}.platform.caching.pages import encoded_page
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.renderers import EncodedJSON, encode_json
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.redis_commands import redis_commands_sent

OWNER, OTHER_OWNER = 1, 2


class Counted:
    """A `compute` that answers a fresh value each call and counts the calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"call": self.calls}

    def page(self) -> CachedPage:
        self.calls += 1
        return {"count": self.calls, "results": encode_json([{"call": self.calls}])}


@pytest.fixture
def things() -> OwnerCache:
    return OwnerCache(namespace="things", pages=2, page_size=10)


def stored_keys(namespace: str) -> set[str]:
    """The keys Redis holds for `namespace`, without the cache's prefix."""
    prefix = cache.make_key("")
    found = redis_client("cache").scan_iter(match=cache.make_key(f"{namespace}:*"), count=1000)
    return {key.decode().removeprefix(prefix) for key in found}


def test_a_second_read_is_a_hit_in_one_round_trip(things: OwnerCache) -> None:
    compute = Counted()
    first = things.item(owner_id=OWNER, item_id=7, compute=compute)

    with redis_commands_sent() as sent:
        second = things.item(owner_id=OWNER, item_id=7, compute=compute)

    assert second == first == {"call": 1}
    assert compute.calls == 1
    assert sent == ["MGET"]  # the owner's version and the entry together


def test_a_cached_page_comes_back_as_the_encoded_text(things: OwnerCache) -> None:
    compute = Counted()
    things.page(owner_id=OWNER, page=1, page_size=10, compute=compute.page)

    cached = things.page(owner_id=OWNER, page=1, page_size=10, compute=compute.page)

    assert compute.calls == 1
    assert cached["count"] == 1
    assert json.loads(cached["results"]) == [{"call": 1}]
    assert isinstance(cached["results"], EncodedJSON)  # embedded by the renderer as it is


def test_invalidate_drops_every_page_and_item_of_the_owner(things: OwnerCache) -> None:
    compute = Counted()

    def read_all() -> list[Any]:
        return [
            things.page(owner_id=OWNER, page=1, page_size=10, compute=compute.page)["count"],
            things.page(owner_id=OWNER, page=2, page_size=10, compute=compute.page)["count"],
            things.item(owner_id=OWNER, item_id=7, compute=compute),
        ]

    before = read_all()
    assert read_all() == before  # all three cached
    version = things.version(owner_id=OWNER)

    things.invalidate(owner_id=OWNER)

    assert things.version(owner_id=OWNER) == version + 1
    assert read_all() == [4, 5, {"call": 6}]
    assert compute.calls == 6


def test_invalidating_one_owner_leaves_another_owners_entries(things: OwnerCache) -> None:
    compute = Counted()
    mine = things.item(owner_id=OWNER, item_id=7, compute=compute)
    theirs = things.item(owner_id=OTHER_OWNER, item_id=7, compute=compute)

    things.invalidate(owner_id=OWNER)

    assert mine != theirs  # the same item id, one entry per owner
    assert things.item(owner_id=OTHER_OWNER, item_id=7, compute=compute) == theirs
    assert things.item(owner_id=OWNER, item_id=7, compute=compute) == {"call": 3}


def test_apps_with_different_namespaces_never_share_entries() -> None:
    compute = Counted()
    ours, theirs = OwnerCache(namespace="ours"), OwnerCache(namespace="theirs")
    ours.item(owner_id=OWNER, item_id=7, compute=compute)

    assert theirs.item(owner_id=OWNER, item_id=7, compute=compute) == {"call": 2}
    theirs.invalidate(owner_id=OWNER)
    assert ours.item(owner_id=OWNER, item_id=7, compute=compute) == {"call": 1}


def test_an_invalidation_before_any_read_still_drops_what_is_cached_next(
    things: OwnerCache,
) -> None:
    compute = Counted()
    things.invalidate(owner_id=OWNER)  # no version yet: one is created
    things.item(owner_id=OWNER, item_id=7, compute=compute)

    things.invalidate(owner_id=OWNER)

    assert things.item(owner_id=OWNER, item_id=7, compute=compute) == {"call": 2}


def test_a_lost_version_key_makes_every_entry_a_miss(things: OwnerCache) -> None:
    compute = Counted()
    things.item(owner_id=OWNER, item_id=7, compute=compute)

    cache.delete(things.version_key(owner_id=OWNER))  # evicted, or Redis restarted empty

    assert things.item(owner_id=OWNER, item_id=7, compute=compute) == {"call": 2}


def test_entries_expire_after_the_ttl_and_versions_do_not() -> None:
    short = OwnerCache(namespace="short", ttl=7)
    short.item(owner_id=OWNER, item_id=7, compute=Counted())
    client = redis_client("cache")

    entry_ttl = client.ttl(cache.make_key(short.key(owner_id=OWNER, kind="item", parts=(7,))))
    version_ttl = client.ttl(cache.make_key(short.version_key(owner_id=OWNER)))

    assert 0 < entry_ttl <= 7
    assert version_ttl == -1  # an expired version would let old entries match a new one


def test_the_ttl_defaults_to_the_projects_cache_timeout(
    things: OwnerCache, settings: Settings
) -> None:
    things.item(owner_id=OWNER, item_id=7, compute=Counted())

    key = cache.make_key(things.key(owner_id=OWNER, kind="item", parts=(7,)))
    assert settings.CACHE_TIMEOUT - 5 < redis_client("cache").ttl(key) <= settings.CACHE_TIMEOUT


def test_only_the_first_pages_of_the_cached_size_are_stored(things: OwnerCache) -> None:
    compute = Counted()
    for page, page_size in [(1, 10), (2, 10), (3, 10), (1, 5), (1, 11)]:
        for _ in range(2):
            things.page(owner_id=OWNER, page=page, page_size=page_size, compute=compute.page)

    assert stored_keys("things") == {
        f"things:owner:{OWNER}:version",
        f"things:owner:{OWNER}:page:1:10",
        f"things:owner:{OWNER}:page:2:10",
    }
    assert compute.calls == 2 + 3 * 2  # two cached pages once, the other three every time


def test_a_cached_page_without_text_results_is_computed_again(things: OwnerCache) -> None:
    compute = Counted()
    things.page(owner_id=OWNER, page=1, page_size=10, compute=compute.page)
    key = things.key(owner_id=OWNER, kind="page", parts=(1, 10))
    planted = {"count": 1, "results": [{"planted": True}]}  # a list would be sent unescaped
    cache.set(key, {"version": things.version(owner_id=OWNER), "data": planted})

    page = things.page(owner_id=OWNER, page=1, page_size=10, compute=compute.page)

    assert json.loads(page["results"]) == [{"call": 2}]


@pytest.fixture
def cache_unreachable(settings: Settings) -> None:
    """The cache points at a port nothing listens on: every command fails to connect."""
    default = settings.CACHES["default"]
    unreachable = f"redis://127.0.0.1:{free_port()}/1"
    settings.CACHES = {**settings.CACHES, "default": {**default, "LOCATION": unreachable}}


@pytest.mark.usefixtures("cache_unreachable")
def test_without_the_cache_redis_every_read_is_computed(things: OwnerCache) -> None:
    compute = Counted()

    reads = [things.item(owner_id=OWNER, item_id=7, compute=compute) for _ in range(2)]
    page = things.page(owner_id=OWNER, page=1, page_size=10, compute=compute.page)
    things.invalidate(owner_id=OWNER)  # a write still succeeds

    assert reads == [{"call": 1}, {"call": 2}]
    assert json.loads(page["results"]) == [{"call": 3}]


class UsernameSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()


@pytest.fixture
def make_users(db: None) -> Callable[[int], None]:
    def make(count: int) -> None:
        get_user_model().objects.bulk_create(
            get_user_model()(username=f"page-user-{index:02}") for index in range(count)
        )

    return make


def test_an_encoded_page_holds_its_rows_as_json_text_and_the_total(
    make_users: Callable[[int], None],
) -> None:
    make_users(5)
    rows = get_user_model().objects.filter(username__startswith="page-user-").order_by("username")

    page = encoded_page(rows, page=2, page_size=2, serializer_class=UsernameSerializer)

    assert page["count"] == 5
    assert json.loads(page["results"]) == [
        {"username": "page-user-02"},
        {"username": "page-user-03"},
    ]


def test_a_page_past_the_last_is_a_404_and_an_empty_first_page_is_not(
    make_users: Callable[[int], None],
) -> None:
    make_users(2)
    rows = get_user_model().objects.filter(username__startswith="page-user-").order_by("username")

    with pytest.raises(Http404):
        encoded_page(rows, page=2, page_size=2, serializer_class=UsernameSerializer)
    nothing = encoded_page(rows.none(), page=1, page_size=2, serializer_class=UsernameSerializer)
    assert nothing == {"count": 0, "results": "[]"}
