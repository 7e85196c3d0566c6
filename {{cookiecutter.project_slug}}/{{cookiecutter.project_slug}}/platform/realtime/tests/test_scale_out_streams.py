"""Two servers of the project behind one load balancer stream as one: an event published through
one reaches a stream held open on the other."""

import asyncio

import httpx
import pytest

from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.sse import SseClient

# The servers are other processes: they read only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_published_through_one_server_reaches_a_stream_on_the_other(
    two_servers: list[LiveServer], alice: ApiSession
) -> None:
    first, second = two_servers
    stream_url = alice.post(first, "/api/events/token/").json()["stream_url"]
    stream_path = stream_url.split("/api/events/", 1)[1]

    async def scenario() -> list[str]:
        client = SseClient()
        async with httpx.AsyncClient() as http:
            url = f"{second.url}/api/events/{stream_path}"
            reader = asyncio.create_task(client.run(http, url, {}))
            await asyncio.wait_for(client.connected.wait(), timeout=20)
            body = {"name": "Seen elsewhere"}
            created = await asyncio.to_thread(alice.post, first, HARNESS_URL, body)
            assert created.status_code == 201
            names = await client.wait_for(1)
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        return names

    assert asyncio.run(scenario()) == ["harness.saved"]
