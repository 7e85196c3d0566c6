"""Sessions on a Redis Cluster (REDIS_CLUSTER_NODES): beside the cache under their own prefix,
read with their user's copy in one MGET (a shared hash tag), copies dropped across slots."""

from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.platform.core.tests.cluster import (
    cluster_settings,
    errors_counted,
    mget_calls,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.redis_cluster import ClusterDeployment


@pytest.fixture
def on_cluster(redis_cluster: ClusterDeployment, settings: Settings) -> dict[str, str]:
    return cluster_settings(redis_cluster, settings)


def test_clearing_the_cache_leaves_the_sessions_on_the_same_cluster(
    on_cluster: dict[str, str],
) -> None:
    caches["default"].set("page", "cached")
    caches["sessions"].set("session", "kept")

    caches["default"].clear()

    assert caches["default"].get("page") is None
    assert caches["sessions"].get("session") == "kept"


@pytest.mark.django_db
def test_a_session_and_its_user_copy_are_read_in_one_mget_on_one_node(
    redis_cluster: ClusterDeployment, on_cluster: dict[str, str]
) -> None:
    user = UserFactory.create()
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(HARNESS_URL).status_code == 200  # the first read copies the user
    mgets_before = mget_calls(redis_cluster)

    store = session_of(client)
    data = store.load()

    assert data["_auth_user_id"] == str(user.pk)
    assert store.user_copy is not None
    assert mget_calls(redis_cluster) - mgets_before == 1
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0


@pytest.mark.django_db
def test_saving_a_user_drops_the_copies_of_its_sessions_on_the_cluster(
    redis_cluster: ClusterDeployment, on_cluster: dict[str, str]
) -> None:
    user = UserFactory.create()
    clients = [Client() for _ in range(3)]
    for client in clients:  # each login saves the user (last_login): copies come after
        assert client.login(username=user.username, password=PASSWORD)
    for client in clients:
        assert client.get(HARNESS_URL).status_code == 200
    assert all(user_copy_of(client) is not None for client in clients)

    user.save()

    assert [user_copy_of(client) for client in clients] == [None] * 3
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0


def session_of(client: Client) -> Any:
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def user_copy_of(client: Client) -> object:
    """The user copy read with the client's session (which must still be there)."""
    store = session_of(client)
    assert store.load() != {}
    return store.user_copy
