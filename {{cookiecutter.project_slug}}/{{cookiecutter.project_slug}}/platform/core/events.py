"""Domain events: how a product app tells the platform what happened without importing it.

A product service calls `domain_event(name="invoice.paid", owner_id=..., data={...})`; platform
apps subscribe in their AppConfig.ready() with `on_domain_event("invoice.*", handler)` (fnmatch
patterns). The product then imports no platform app that follows its events, and deleting it
touches nothing else.

Events are sent after the surrounding transaction commits (at once outside one): a subscriber
never acts on a write that is rolled back, and a reader it notifies finds the committed rows.
Each subscriber runs on its own: one that fails is logged and the others still run, because the
write it follows has already been committed and must not turn into an error for the caller.
"""

import fnmatch
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DomainEvent:
    name: str
    # The user the event concerns (a subscriber may tell that user alone); None if nobody.
    owner_id: int | None
    # JSON types only: subscribers may send it over the wire or store it.
    data: Mapping[str, Any] = field(default_factory=dict)


Handler = Callable[[DomainEvent], None]

_subscribers: list[tuple[str, Handler]] = []


def on_domain_event(pattern: str, handler: Handler) -> None:
    """Call `handler` with every event whose name matches `pattern` ("invoice.*", "*").
    Registering the same pair twice (ready() run again) keeps one subscription."""
    if (pattern, handler) not in _subscribers:
        _subscribers.append((pattern, handler))


def domain_event_subscribers(*, name: str) -> list[Handler]:
    return [handler for pattern, handler in _subscribers if fnmatch.fnmatchcase(name, pattern)]


def _deliver(event: DomainEvent) -> None:
    for handler in domain_event_subscribers(name=event.name):
        try:
            handler(event)
        except Exception:
            logger.exception("Subscriber %r failed on domain event %s", handler, event.name)


def domain_event(*, name: str, owner_id: int | None, data: Mapping[str, Any] | None = None) -> None:
    """Announce that `name` happened; subscribers get it once the current transaction commits."""
    event = DomainEvent(name=name, owner_id=owner_id, data=dict(data or {}))
    transaction.on_commit(lambda: _deliver(event))
