"""Every domain event reaches its owner's realtime channel after commit, whatever app sent it."""

import json
from typing import cast

import pytest
from django.db import transaction

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.events import domain_event
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    replay_log_key,
    user_channel,
)
from {{ cookiecutter.project_slug }}.platform.realtime.selectors import ReplayLogEntries

pytestmark = pytest.mark.django_db(transaction=True)


def channel_events(user_id: int) -> list[tuple[str, dict[str, object]]]:
    """The events in the user's replay log (what a reconnecting browser would be sent)."""
    key = replay_log_key(user_channel(user_id))
    entries = cast(ReplayLogEntries, redis_client("realtime").xrange(key))
    return [(fields[b"event"].decode(), json.loads(fields[b"data"])) for _, fields in entries]


def test_a_domain_event_is_forwarded_to_its_owners_channel_after_commit(
    user: User, other_user: User
) -> None:
    with transaction.atomic():
        domain_event(name="anything.happened", owner_id=user.pk, data={"id": 3})
        assert channel_events(user.pk) == []

    assert channel_events(user.pk) == [("anything.happened", {"id": 3})]
    assert channel_events(other_user.pk) == []


def test_a_rolled_back_domain_event_reaches_no_channel(user: User) -> None:
    def failing_write() -> None:
        with transaction.atomic():
            domain_event(name="anything.happened", owner_id=user.pk)
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()

    assert channel_events(user.pk) == []
