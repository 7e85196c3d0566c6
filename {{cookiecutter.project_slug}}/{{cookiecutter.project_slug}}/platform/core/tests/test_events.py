"""Domain events reach their subscribers after commit, by name pattern, each on its own."""

from collections.abc import Callable

import pytest
from django.db import transaction

from {{ cookiecutter.project_slug }}.platform.core import events
from {{ cookiecutter.project_slug }}.platform.core.events import (
    DomainEvent,
    domain_event,
    on_domain_event,
)

# on_commit only fires for a real commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[DomainEvent]]:
    """Subscribe a recorder to a pattern, in a registry of the test's own (the apps' subscribers
    stay out of it); returns what the recorder got."""
    monkeypatch.setattr(events, "_subscribers", [])

    def subscribe(pattern: str) -> list[DomainEvent]:
        got: list[DomainEvent] = []
        on_domain_event(pattern, got.append)
        return got

    return subscribe


def test_a_subscriber_gets_the_event_only_once_the_transaction_commits(
    received: Callable[[str], list[DomainEvent]],
) -> None:
    got = received("thing.*")

    with transaction.atomic():
        domain_event(name="thing.created", owner_id=7, data={"id": 1})
        assert got == []

    assert got == [DomainEvent(name="thing.created", owner_id=7, data={"id": 1})]


def test_a_rolled_back_write_sends_no_event(received: Callable[[str], list[DomainEvent]]) -> None:
    got = received("*")

    def failing_write() -> None:
        with transaction.atomic():
            domain_event(name="thing.created", owner_id=7)
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()

    assert got == []


def test_outside_a_transaction_the_event_is_sent_at_once(
    received: Callable[[str], list[DomainEvent]],
) -> None:
    got = received("*")

    domain_event(name="thing.created", owner_id=None)

    assert [event.name for event in got] == ["thing.created"]


def test_a_subscriber_gets_only_the_names_its_pattern_matches(
    received: Callable[[str], list[DomainEvent]],
) -> None:
    things, everything = received("thing.*"), received("*")

    for name in ("thing.created", "things.counted", "other.deleted"):
        domain_event(name=name, owner_id=1)

    assert [event.name for event in things] == ["thing.created"]
    assert [event.name for event in everything] == [
        "thing.created",
        "things.counted",
        "other.deleted",
    ]


def test_a_failing_subscriber_is_logged_and_the_others_still_run(
    received: Callable[[str], list[DomainEvent]], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: DomainEvent) -> None:
        raise ConnectionError("down")

    on_domain_event("*", broken)
    got = received("*")

    with transaction.atomic():
        domain_event(name="thing.created", owner_id=1)

    assert [event.name for event in got] == ["thing.created"]
    assert any(
        record.levelname == "ERROR" and "thing.created" in record.getMessage()
        for record in caplog.records
    )


def test_subscribing_twice_delivers_once(received: Callable[[str], list[DomainEvent]]) -> None:
    got = received("*")
    on_domain_event("*", got.append)  # an AppConfig.ready() run again

    domain_event(name="thing.created", owner_id=1)

    assert len(got) == 1
