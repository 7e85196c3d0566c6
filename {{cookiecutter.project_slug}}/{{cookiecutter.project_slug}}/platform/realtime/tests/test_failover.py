"""An event stream carries on through a Redis Sentinel failover (core/tests/test_sentinel.py has
the rest of the project): it says what it may have missed (`stream.gap`), then streams again."""

import asyncio

import httpx
import pytest

from {{ cookiecutter.project_slug }}.testing.failover import (
    RECOVERY_BOUND_SECONDS,
    fail_over_and_recover,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.sentinel import SentinelDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.sse import SseClient

# Every test starts redis-servers and sentinels, and a process of the project.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def test_an_event_stream_carries_on_through_a_sentinel_failover(
    sentinel_deployment: SentinelDeployment, failover_server: LiveServer, alice: ApiSession
) -> None:
    server = failover_server
    stream_path = alice.post(server, "/api/events/token/").json()["stream_url"]

    async def scenario() -> None:
        stream = SseClient()
        async with httpx.AsyncClient() as http:
            reader = asyncio.create_task(stream.run(http, f"{server.url}{stream_path}", {}))
            await asyncio.wait_for(stream.connected.wait(), timeout=20)
            await asyncio.to_thread(fail_over_and_recover, sentinel_deployment, alice, server)
            assert (await stream.wait_for(1, timeout=RECOVERY_BOUND_SECONDS))[0] == "stream.gap"
            await asyncio.to_thread(alice.post, server, HARNESS_URL, {"name": "after"})
            names = await stream.wait_for(2)
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        assert names[0] == "stream.gap"
        assert "harness.saved" in names[1:]

    asyncio.run(scenario())
