"""Open streams, events delivered and events dropped, as the event stream server's /metrics
reports them."""

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.realtime.hub import ClientQueue, LiveEvent
from {{ cookiecutter.project_slug }}.platform.realtime.tests.test_stream import close, open_streams
from {{ cookiecutter.project_slug }}.testing.harness_app.services import harness_save
from {{ cookiecutter.project_slug }}.testing.metrics import metric_value
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer


def scraped(server: LiveServer, name: str) -> float:
    text = httpx.get(f"{server.url}/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )


def eventually(read: Callable[[], float], expected: float) -> float:
    deadline = time.monotonic() + 10
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


@pytest.mark.django_db(transaction=True)
def test_open_streams_and_delivered_events_are_counted(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server()

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            clients, tasks = await open_streams(http, server, [user, user])
            assert await asyncio.to_thread(scraped, server, "realtime_streams_open") == 2
            for name in ("first", "second", "third"):
                await asyncio.to_thread(harness_save, user=user, name=name)
            for client in clients:
                await client.wait_for(3)
            await close(tasks)

    asyncio.run(scenario())

    assert scraped(server, "realtime_events_delivered_total") == 6
    assert eventually(lambda: scraped(server, "realtime_streams_open"), 0) == 0


def test_an_event_pushed_out_of_a_full_client_buffer_is_counted_as_dropped() -> None:
    before = metric_value("realtime_events_dropped_total", reason="client_buffer_full")
    queue = ClientQueue(maxsize=2)

    for number in range(3):
        queue.offer(LiveEvent(id=f"{number}-0", event="test", data="{}"))

    assert metric_value("realtime_events_dropped_total", reason="client_buffer_full") == before + 1
