"""The notes reads are cached per user in Redis as JSON, bounded, and never served stale after a
write; a value planted in the cache is data, never code."""

import json
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.notes.cache import (
    NOTES_CACHED_PAGES,
    notes_cache_key,
    notes_cache_version,
)
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.core.pagination import DEFAULT_PAGE_SIZE
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.tests.pickles import pickle_that_creates
from {{ cookiecutter.project_slug }}.testing.redis_commands import redis_commands_sent

pytestmark = pytest.mark.django_db


Commit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Callable[..., Any]) -> Commit:
    """`with commit(): <write>` runs what the write left for after its commit (the invalidation),
    as a real commit would; the test's own transaction is still rolled back at the end, which
    is much faster than committing and flushing every table."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


NOTES_URL = "/api/notes/"


def raw_cache_value(key: str) -> bytes | str | None:
    """What Redis itself holds under the cache key `key` (prefix and version added)."""
    return redis_client("cache").get(cache.make_key(key))


def list_key(owner: User, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE) -> str:
    return notes_cache_key(owner_id=owner.pk, kind="page", parts=(page, page_size))


def cached_keys(owner: User, kind: str) -> list[bytes]:
    """Every cache key in Redis holding `kind` reads of the owner's notes, any version."""
    pattern = cache.make_key(f"notes:owner:{owner.pk}:*{kind}:*")
    return list(redis_client("cache").scan_iter(match=pattern, count=1000))


def test_a_second_list_read_is_served_from_redis_without_sql(
    api_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    NoteFactory.create_batch(2, owner=user)
    first = api_client.get(NOTES_URL)

    with django_assert_num_queries(0):
        second = api_client.get(NOTES_URL)

    assert second.json() == first.json()
    entry = cache.get(list_key(user))
    assert entry["version"] == notes_cache_version(owner_id=user.pk)
    assert json.loads(entry["data"]["results"]) == first.json()["results"]


def test_a_second_detail_read_is_served_from_redis_without_sql(
    api_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    note = NoteFactory.create(owner=user)
    api_client.get(f"{NOTES_URL}{note.pk}/")

    with django_assert_num_queries(0):
        response = api_client.get(f"{NOTES_URL}{note.pk}/")

    assert response.json()["id"] == note.pk


def test_a_created_note_is_in_the_next_list_read(api_client: APIClient, commit: Commit) -> None:
    api_client.get(NOTES_URL)

    with commit():
        created = api_client.post(NOTES_URL, {"title": "Fresh"}, format="json").json()
    listing = api_client.get(NOTES_URL).json()

    assert [item["id"] for item in listing["results"]] == [created["id"]]


def test_an_update_is_in_the_next_reads(api_client: APIClient, user: User, commit: Commit) -> None:
    note = NoteFactory.create(owner=user, title="Before")
    api_client.get(NOTES_URL)
    api_client.get(f"{NOTES_URL}{note.pk}/")

    with commit():
        api_client.patch(f"{NOTES_URL}{note.pk}/", {"title": "After"}, format="json")

    assert api_client.get(f"{NOTES_URL}{note.pk}/").json()["title"] == "After"
    assert api_client.get(NOTES_URL).json()["results"][0]["title"] == "After"


def test_a_deleted_note_is_gone_from_the_next_reads(
    api_client: APIClient, user: User, commit: Commit
) -> None:
    note = NoteFactory.create(owner=user)
    api_client.get(NOTES_URL)
    api_client.get(f"{NOTES_URL}{note.pk}/")

    with commit():
        api_client.delete(f"{NOTES_URL}{note.pk}/")

    assert api_client.get(f"{NOTES_URL}{note.pk}/").status_code == 404
    assert api_client.get(NOTES_URL).json()["count"] == 0


def test_one_users_write_leaves_another_users_cache_alone(
    api_client: APIClient, user: User, other_user: User, commit: Commit
) -> None:
    mine_before = notes_cache_version(owner_id=user.pk)
    theirs_before = notes_cache_version(owner_id=other_user.pk)

    with commit():
        api_client.post(NOTES_URL, {"title": "Mine"}, format="json")

    assert notes_cache_version(owner_id=user.pk) != mine_before
    assert notes_cache_version(owner_id=other_user.pk) == theirs_before


def test_public_stats_are_cached_and_say_so_to_browsers_and_proxies(
    anonymous_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    NoteFactory.create_batch(3, owner=user)
    first = anonymous_client.get(f"{NOTES_URL}stats/")

    with django_assert_num_queries(0):
        second = anonymous_client.get(f"{NOTES_URL}stats/")

    assert first.json() == {"notes": 3, "authors": 1}
    assert second.json() == first.json()
    assert set(second["Cache-Control"].split(", ")) == {"public", "max-age=60"}


def test_a_cached_notes_page_is_stored_as_json_text(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, title="Plain data")

    api_client.get(NOTES_URL)

    raw = raw_cache_value(list_key(user))
    assert raw is not None
    stored = json.loads(raw)  # JSON, not a pickle of Note instances
    assert stored["data"]["count"] == 1
    results = json.loads(stored["data"]["results"])  # the text the API sends
    assert results[0]["id"] == note.pk
    assert results[0]["title"] == "Plain data"


def test_cached_stats_are_stored_as_json_text(anonymous_client: APIClient, user: User) -> None:
    NoteFactory.create(owner=user)

    anonymous_client.get(f"{NOTES_URL}stats/")

    raw = raw_cache_value("notes:stats")
    assert raw is not None
    assert json.loads(raw) == {"notes": 1, "authors": 1}


def test_a_cached_page_whose_results_are_not_text_is_read_from_postgres(
    api_client: APIClient, user: User
) -> None:
    NoteFactory.create(owner=user, title="From Postgres")
    api_client.get(NOTES_URL)
    entry = cache.get(list_key(user))
    planted = [{"id": 0, "title": "Planted", "body": "", "created_at": "", "updated_at": ""}]
    cache.set(list_key(user), {**entry, "data": {"count": 1, "results": planted}})

    listing = api_client.get(NOTES_URL)

    assert listing.json()["results"][0]["title"] == "From Postgres"


def test_the_browsable_api_shows_a_cached_page(user: User) -> None:
    NoteFactory.create(owner=user, title="Shown in the browser")
    client = Client(HTTP_ACCEPT="text/html")
    assert client.login(username=user.username, password=PASSWORD)
    client.get(NOTES_URL)  # cached

    page = client.get(NOTES_URL)

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "Shown in the browser" in page.content.decode()


@pytest.mark.parametrize("kind", ["list", "note", "version"])
def test_a_pickle_planted_in_a_notes_cache_key_is_not_run(
    api_client: APIClient, user: User, tmp_path: Path, kind: str, commit: Commit
) -> None:
    note = NoteFactory.create(owner=user, title="From Postgres")
    api_client.get(NOTES_URL)  # the entries exist, as they would on a live site
    api_client.get(f"{NOTES_URL}{note.pk}/")
    key = {
        "list": list_key(user),
        "note": notes_cache_key(owner_id=user.pk, kind="note", parts=(note.pk,)),
        "version": f"notes:owner:{user.pk}:version",
    }[kind]
    marker = tmp_path / "pwned"
    redis_client("cache").set(cache.make_key(key), pickle_that_creates(marker))

    listing = api_client.get(NOTES_URL)
    detail = api_client.get(f"{NOTES_URL}{note.pk}/")

    assert not marker.exists(), "the planted pickle was loaded: code from Redis ran"
    assert listing.status_code == 200
    assert listing.json()["results"][0]["title"] == "From Postgres"
    assert detail.status_code == 200
    assert detail.json()["title"] == "From Postgres"
    # The planted value was treated as a miss and replaced by data...
    raw = raw_cache_value(key)
    assert raw is not None
    json.loads(raw)
    # ...and writes still invalidate the reads.
    with commit():
        api_client.patch(f"{NOTES_URL}{note.pk}/", {"title": "Edited"}, format="json")
    assert api_client.get(NOTES_URL).json()["results"][0]["title"] == "Edited"
    assert api_client.get(f"{NOTES_URL}{note.pk}/").json()["title"] == "Edited"


def test_only_the_first_pages_of_the_default_size_are_cached(
    api_client: APIClient, user: User
) -> None:
    pages = NOTES_CACHED_PAGES + 1
    NoteFactory.create_batch(pages * DEFAULT_PAGE_SIZE, owner=user)

    for page_size in (1, 2, 3, 5, 7, 10, 15, 19, 21, 30, 50, 100):
        assert api_client.get(NOTES_URL, {"page_size": page_size}).status_code == 200
    for page in range(1, pages + 1):
        assert api_client.get(NOTES_URL, {"page": page}).status_code == 200

    # Twelve page sizes and every page were asked for; the cache holds the first pages only.
    expected = {
        cache.make_key(list_key(user, page, DEFAULT_PAGE_SIZE)).encode()
        for page in range(1, NOTES_CACHED_PAGES + 1)
    }
    assert set(cached_keys(user, "page")) == expected


def test_writes_do_not_add_copies_of_cached_reads(
    api_client: APIClient, user: User, commit: Commit
) -> None:
    notes = NoteFactory.create_batch(3, owner=user)

    for round_ in range(10):
        with commit():
            api_client.patch(
                f"{NOTES_URL}{notes[0].pk}/", {"title": f"Edit {round_}"}, format="json"
            )
        api_client.get(NOTES_URL)
        for note in notes:
            api_client.get(f"{NOTES_URL}{note.pk}/")

    # One list page and one entry per note, whatever the number of versions written.
    assert len(cached_keys(user, "page")) == 1
    assert len(cached_keys(user, "note")) == 3


def test_a_page_that_is_not_cached_is_read_from_postgres_each_time(
    api_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    NoteFactory.create_batch(3, owner=user)
    first = api_client.get(NOTES_URL, {"page_size": 2})

    with django_assert_num_queries(2):  # count + page
        second = api_client.get(NOTES_URL, {"page_size": 2})

    assert second.json() == first.json()


# What a cached list read, logged in with a session, costs to load the session and its user, by
# SESSION_ENGINE: (Redis commands, SQL tables read). The project's Redis store reads both in one
# MGET; Django's cached_db store GETs the session, then the user's signed copy
# (accounts/session_user_copies.py); Django's database store reads the session row from Postgres
# and the copy from the cache. Nothing else reads Postgres.
# The project's own engine is named from this package: bakes without it have no such module.
PROJECT_SESSION_ENGINE = f"{__name__.split('.')[0]}.platform.accounts.session_store"
SESSION_READS: dict[str, tuple[list[str], list[str]]] = {
    PROJECT_SESSION_ENGINE: (["MGET"], []),
    "django.contrib.sessions.backends.cached_db": (["GET", "GET"], []),
    "django.contrib.sessions.backends.db": (["GET"], ["django_session"]),
}
# Then the rate limit (one EVALSHA of the GCRA script) and the page with its version (one MGET,
# notes/cache.py). Sessions, rate limit and cache may be three servers: none can be merged.
LIST_READ_REDIS_COMMANDS = ["EVALSHA", "MGET"]


def tables_read(queries: list[dict[str, str]]) -> list[str]:
    """The table each query reads from; a query that reads none (a write) as its SQL."""
    reads = [(re.search(r'\bFROM "(\w+)"', query["sql"]), query["sql"]) for query in queries]
    return [match[1] if match else sql for match, sql in reads]


def test_a_cached_list_read_makes_only_the_listed_round_trips(user: User) -> None:
    session_commands, session_tables = SESSION_READS[settings.SESSION_ENGINE]
    NoteFactory.create_batch(DEFAULT_PAGE_SIZE, owner=user)
    client = Client(HTTP_ACCEPT="application/json")
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(NOTES_URL).status_code == 200  # caches the page and the session's user

    with redis_commands_sent() as sent, CaptureQueriesContext(connection) as queries:
        response = client.get(NOTES_URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == DEFAULT_PAGE_SIZE
    assert sent == session_commands + LIST_READ_REDIS_COMMANDS
    assert tables_read(queries.captured_queries) == session_tables
