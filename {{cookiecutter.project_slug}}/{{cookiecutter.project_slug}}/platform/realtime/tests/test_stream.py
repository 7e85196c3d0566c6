"""The event stream served by a real uvicorn, read by real HTTP clients, fed through Redis."""

import asyncio
from collections.abc import Callable

import httpx
import pytest
from django.conf import settings
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import user_channel
from {{ cookiecutter.project_slug }}.platform.realtime.services import (
    realtime_publish,
    stream_token_issue,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.services import harness_save
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.sse import SseClient

# The server is another process: it reads only committed rows (the users).
pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "/api/events/stream/"


def stream_url(server: LiveServer, user: User) -> str:
    return f"{server.url}{STREAM}?token={stream_token_issue(user=user)}"


async def open_streams(
    http: httpx.AsyncClient,
    server: LiveServer,
    users: list[User],
    headers: dict[str, str] | None = None,
) -> tuple[list[SseClient], list[asyncio.Task[None]]]:
    clients = [SseClient() for _ in users]
    tasks = [
        asyncio.create_task(client.run(http, stream_url(server, user), headers or {}))
        for client, user in zip(clients, users, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), timeout=30)
    return clients, tasks


async def close(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def test_every_client_gets_its_owners_events_in_order(
    start_server: Callable[..., LiveServer], user: User, other_user: User
) -> None:
    server = start_server()

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            clients, tasks = await open_streams(http, server, [user, user, user, other_user])
            for title in ("first", "second", "third"):
                await asyncio.to_thread(harness_save, user=user, name=title)
            await asyncio.to_thread(harness_save, user=other_user, name="theirs")
            for client in clients[:3]:
                assert await client.wait_for(3) == ["harness.saved"] * 3
                assert [data["name"] for _, _, data in client.events] == [
                    "first",
                    "second",
                    "third",
                ]
            assert await clients[3].wait_for(1) == ["harness.saved"]
            await asyncio.sleep(0.3)  # anything misrouted would have arrived by now
            assert [data["name"] for _, _, data in clients[3].events] == ["theirs"]
            assert all(len(client.events) == 3 for client in clients[:3])
            await close(tasks)

    asyncio.run(scenario())


def hub_connections() -> list[dict[str, str]]:
    name = f"{settings.REALTIME_PREFIX}:hub"
    return [c for c in redis_client("realtime").client_list() if c.get("name") == name]


def test_two_hundred_clients_share_one_redis_subscription(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server(
        REALTIME_MAX_STREAMS_PER_USER="100", REALTIME_MAX_STREAMS_PER_ADDRESS="200"
    )
    users = [user] * 100 + UserFactory.create_batch(100)

    async def scenario() -> None:
        limits = httpx.Limits(max_connections=300)
        async with httpx.AsyncClient(limits=limits) as http:
            clients, tasks = await open_streams(http, server, users)
            subscribers = hub_connections()
            realtime_publish(channel=user_channel(user.pk), event="ping", data={"n": 1})
            assert await clients[0].wait_for(1) == ["ping"]
            await close(tasks)
        assert len(subscribers) == 1
        assert subscribers[0]["psub"] == "1"

    asyncio.run(scenario())


def test_missed_events_are_replayed_from_last_event_id(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    channel = user_channel(user.pk)
    first = realtime_publish(channel=channel, event="one", data={})
    realtime_publish(channel=channel, event="two", data={})
    realtime_publish(channel=channel, event="three", data={})
    server = start_server()

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            clients, tasks = await open_streams(http, server, [user], {"Last-Event-ID": str(first)})
            assert await clients[0].wait_for(2) == ["two", "three"]
            await close(tasks)

    asyncio.run(scenario())


def test_a_subscriber_redis_restart_is_announced_and_streaming_goes_on(
    start_server: Callable[..., LiveServer], user: User, own_redis: OwnRedis, settings: Settings
) -> None:
    settings.REDIS_REALTIME_URL = own_redis.url(db=6)
    server = start_server(REDIS_REALTIME_URL=own_redis.url(db=6))

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            clients, tasks = await open_streams(http, server, [user, user])
            own_redis.stop()
            own_redis.start()  # empty, same port
            for client in clients:
                assert await client.wait_for(1, timeout=30) == ["stream.gap"]
            realtime_publish(channel=user_channel(user.pk), event="after", data={})
            for client in clients:
                assert await client.wait_for(2) == ["stream.gap", "after"]
            assert not any(task.done() for task in tasks)  # the same connections throughout
            await close(tasks)

    asyncio.run(scenario())


def test_a_stream_token_works_once(start_server: Callable[..., LiveServer], user: User) -> None:
    server = start_server()
    url = stream_url(server, user)

    with httpx.stream("GET", url, timeout=10) as first:
        assert first.status_code == 200
    second = httpx.get(url, timeout=10)

    assert second.status_code == 401
    assert second.json()["code"] == "not_authenticated"


def test_a_user_deactivated_since_logging_in_or_getting_a_token_cannot_open_a_stream(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server()
    session = ApiSession()
    assert session.login(server, user.username, PASSWORD).status_code == 200
    url = stream_url(server, user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    with_token = httpx.get(url, timeout=10)
    with_session = session.get(server, STREAM)

    assert (with_token.status_code, with_session.status_code) == (401, 401)
    assert with_token.json()["code"] == with_session.json()["code"] == "not_authenticated"


def test_a_session_with_an_authorization_header_the_stream_cannot_use_is_refused(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server()
    session = ApiSession()
    assert session.login(server, user.username, PASSWORD).status_code == 200

    for authorization in ("Basic dXNlcjpwYXNz", "Token abc", "nonsense"):
        response = session.http.get(
            f"{server.url}{STREAM}", headers={"Authorization": authorization}
        )

        assert response.status_code == 401, authorization
        assert response.json()["code"] == "authorization_unsupported"
        assert "WWW-Authenticate" in response.headers


def test_under_wsgi_the_stream_is_refused_with_a_reason(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.get(STREAM)

    assert response.status_code == 501
    assert response.json()["code"] == "asgi_required"


def test_the_token_api_issues_a_stream_url(api_client: APIClient) -> None:
    response = api_client.post("/api/events/token/")

    assert response.status_code == 200
    assert response.json()["stream_url"] == f"{STREAM}?token={response.json()['token']}"


def test_a_malformed_last_event_id_is_a_400(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server()

    response = httpx.get(stream_url(server, user), headers={"Last-Event-ID": "x; DROP"}, timeout=10)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_last_event_id"


UNAVAILABLE = {
    "detail": "Event streams are unavailable for a moment; try again.",
    "code": "streams_unavailable",
}


def test_a_stream_token_asked_for_while_its_redis_is_down_is_a_503_json(
    api_client: APIClient, own_redis: OwnRedis, settings: Settings
) -> None:
    settings.REDIS_REALTIME_URL = own_redis.url(db=6)
    own_redis.stop()

    response = api_client.post("/api/events/token/")

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_a_stream_opened_while_its_redis_is_down_is_a_503_json(
    start_server: Callable[..., LiveServer], user: User, own_redis: OwnRedis, settings: Settings
) -> None:
    settings.REDIS_REALTIME_URL = own_redis.url(db=6)
    server = start_server(REDIS_REALTIME_URL=own_redis.url(db=6))
    url = stream_url(server, user)
    own_redis.stop()

    response = httpx.get(url, timeout=10)

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
