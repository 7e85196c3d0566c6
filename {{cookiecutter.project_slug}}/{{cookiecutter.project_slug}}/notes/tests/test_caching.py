"""The notes reads are cached per user in Redis and never served stale after a write."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.notes.cache import notes_cache_version
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory

# Writes invalidate on commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

NOTES_URL = "/api/notes/"


def test_a_second_list_read_is_served_from_redis_without_sql(
    api_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    NoteFactory.create_batch(2, owner=user)
    first = api_client.get(NOTES_URL)

    with django_assert_num_queries(0):
        second = api_client.get(NOTES_URL)

    assert second.json() == first.json()
    version = notes_cache_version(owner_id=user.pk)
    assert cache.get(f"notes:owner:{user.pk}:v{version}:list:1:20") is not None


def test_a_second_detail_read_is_served_from_redis_without_sql(
    api_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    note = NoteFactory.create(owner=user)
    api_client.get(f"{NOTES_URL}{note.pk}/")

    with django_assert_num_queries(0):
        response = api_client.get(f"{NOTES_URL}{note.pk}/")

    assert response.json()["id"] == note.pk


def test_a_created_note_is_in_the_next_list_read(api_client: APIClient) -> None:
    api_client.get(NOTES_URL)

    created = api_client.post(NOTES_URL, {"title": "Fresh"}, format="json").json()
    listing = api_client.get(NOTES_URL).json()

    assert [item["id"] for item in listing["results"]] == [created["id"]]


def test_an_update_is_in_the_next_reads(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user, title="Before")
    api_client.get(NOTES_URL)
    api_client.get(f"{NOTES_URL}{note.pk}/")

    api_client.patch(f"{NOTES_URL}{note.pk}/", {"title": "After"}, format="json")

    assert api_client.get(f"{NOTES_URL}{note.pk}/").json()["title"] == "After"
    assert api_client.get(NOTES_URL).json()["results"][0]["title"] == "After"


def test_a_deleted_note_is_gone_from_the_next_reads(api_client: APIClient, user: User) -> None:
    note = NoteFactory.create(owner=user)
    api_client.get(NOTES_URL)
    api_client.get(f"{NOTES_URL}{note.pk}/")

    api_client.delete(f"{NOTES_URL}{note.pk}/")

    assert api_client.get(f"{NOTES_URL}{note.pk}/").status_code == 404
    assert api_client.get(NOTES_URL).json()["count"] == 0


def test_one_users_write_leaves_another_users_cache_alone(
    api_client: APIClient, user: User, other_user: User
) -> None:
    mine_before = notes_cache_version(owner_id=user.pk)
    theirs_before = notes_cache_version(owner_id=other_user.pk)

    api_client.post(NOTES_URL, {"title": "Mine"}, format="json")

    assert notes_cache_version(owner_id=user.pk) != mine_before
    assert notes_cache_version(owner_id=other_user.pk) == theirs_before


def test_public_stats_are_page_cached(
    anonymous_client: APIClient, user: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    NoteFactory.create_batch(3, owner=user)
    first = anonymous_client.get(f"{NOTES_URL}stats/")

    with django_assert_num_queries(0):
        second = anonymous_client.get(f"{NOTES_URL}stats/")

    assert first.json() == {"notes": 3, "authors": 1}
    assert second.json() == first.json()
