"""An event published while serving a request keeps that request's id in the replay log, so the
lines of the request that caused an event can be found from the event."""

from typing import cast

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    replay_log_key,
    user_channel,
)
from {{ cookiecutter.project_slug }}.platform.realtime.selectors import ReplayLogEntries
from {{ cookiecutter.project_slug }}.platform.realtime.services import realtime_publish
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL

pytestmark = pytest.mark.django_db(transaction=True)


def stored_request_ids(user_id: int) -> list[str]:
    key = replay_log_key(user_channel(user_id))
    entries = cast(ReplayLogEntries, redis_client("realtime").xrange(key))
    return [fields[b"request_id"].decode() for _, fields in entries]


def test_an_event_published_during_a_request_stores_its_request_id(
    api_client: APIClient, user: User
) -> None:
    response = api_client.post(
        HARNESS_URL, {"name": "Ada"}, format="json", headers={"X-Request-ID": "support-9"}
    )

    assert response.status_code == 201
    assert stored_request_ids(user.pk) == ["support-9"]


def test_an_event_published_outside_a_request_stores_none(user: User) -> None:
    realtime_publish(channel=user_channel(user.pk), event="batch.done", data={})

    assert stored_request_ids(user.pk) == [""]
