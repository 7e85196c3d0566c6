"""What an event stream may hold, attacked over real HTTP against a live uvicorn: database
connections, per-user and per-process slots, hub queues left by clients that hang up early."""

import asyncio
import json
import socket
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from django.test import Client
from pytest_django.fixtures import Settings
from redis import Redis

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import user_channel
from {{ cookiecutter.project_slug }}.platform.realtime.services import (
    realtime_publish,
    stream_token_issue,
)
from {{ cookiecutter.project_slug }}.platform.realtime.tests.urls import HOLDINGS_URL
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.sse import SseClient

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "/api/events/stream/"
WITH_HOLDINGS_URL = {
    "TEST_ROOT_URLCONF": "{{ cookiecutter.project_slug }}.platform.realtime.tests.urls",
}
NOTHING_HELD = {"hub_clients": 0, "process_streams": 0, "user_leases": 0, "address_leases": 0}
ONE_STREAM_HELD = {"hub_clients": 1, "process_streams": 1, "user_leases": 1, "address_leases": 1}
# The client address of tests that count what an address holds: its own, so that streams other
# tests left to lapse are not counted (the live server believes X-Forwarded-For from 127.0.0.1).
OWN_ADDRESS = "203.0.113.7"


def stream_url(server: LiveServer, user: User) -> str:
    return f"{server.url}{STREAM}?token={stream_token_issue(user=user)}"


def logged_in(server: LiveServer, user: User) -> ApiSession:
    session = ApiSession()
    assert session.login(server, user.username, PASSWORD).status_code == 200
    return session


async def open_streams(
    http: httpx.AsyncClient, urls: list[str], headers: dict[str, str] | None = None
) -> list[asyncio.Task[None]]:
    clients = [SseClient() for _ in urls]
    tasks = [
        asyncio.create_task(client.run(http, url, headers or {}))
        for client, url in zip(clients, urls, strict=True)
    ]
    connected = asyncio.ensure_future(
        asyncio.gather(*(client.connected.wait() for client in clients))
    )
    waiting: list[asyncio.Future[Any]] = [connected, *tasks]
    await asyncio.wait(waiting, timeout=20, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        if task.done():  # refused or broken: fail with its own assertion, not a timeout
            task.result()
    assert connected.done(), "the streams did not connect within 20 s"
    return tasks


async def close(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def try_to_open(
    http: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> tuple[int, str | None]:
    """The status of a stream request and its error code; an opened stream is closed again."""
    async with http.stream("GET", url, headers=headers, timeout=10) as response:
        if response.status_code == 200:
            return 200, None
        return response.status_code, json.loads(await response.aread())["code"]


def holdings(server: LiveServer, user: User) -> dict[str, int]:
    params: dict[str, str | int] = {"user": user.pk, "address": OWN_ADDRESS}
    response = httpx.get(f"{server.url}{HOLDINGS_URL}", params=params, timeout=10)
    assert response.status_code == 200, response.text
    counts: dict[str, int] = response.json()
    return counts


def settled_holdings(server: LiveServer, user: User, timeout: float = 8) -> dict[str, int]:
    """What the server holds once releasing has had time to finish (it may lag the close)."""
    deadline = time.monotonic() + timeout
    while (counts := holdings(server, user)) != NOTHING_HELD and time.monotonic() < deadline:
        time.sleep(0.1)
    return counts


def test_streams_hold_no_database_connection_so_another_users_request_is_served(
    start_server: Callable[..., LiveServer], user: User, other_user: User
) -> None:
    server = start_server(
        DATABASE_POOL="True",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="2",
        DATABASE_POOL_TIMEOUT="5",
        REALTIME_MAX_STREAMS_PER_USER="10",
        # Renewals five times a second, each reading the user's credentials from Postgres (none
        # kept in Redis): a renewal that kept its connection would empty the pool.
        REALTIME_HEARTBEAT_SECONDS="0.2",
        SESSION_USER_CACHE_SECONDS="0",
    )
    streamer, other = logged_in(server, user), logged_in(server, other_user)

    async def scenario() -> tuple[int, float]:
        # Session-cookie streams: their user lookup is the connection Django would keep.
        async with httpx.AsyncClient(cookies=streamer.http.cookies) as http:
            tasks = await open_streams(http, [f"{server.url}{STREAM}"] * 4)
            await asyncio.sleep(1)
            started = time.monotonic()
            # Any request of a logged-in user needs a connection: its session's user is looked up.
            response = await asyncio.to_thread(other.post, server, "/api/events/token/")
            elapsed = time.monotonic() - started
            await close(tasks)
        return response.status_code, elapsed

    status, elapsed = asyncio.run(scenario())

    assert status == 200
    assert elapsed < 3, f"the request waited {elapsed:.1f} s for a database connection"


def threads_of(server: LiveServer) -> int:
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Threads:")).split()[1])


def test_open_streams_hold_no_thread_each(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    # Each request's synchronous work (middleware, session, user) runs on a thread of its own
    # that asgiref keeps until the response ends: for a stream, hours.
    server = start_server(REALTIME_MAX_STREAMS_PER_USER="100")

    async def scenario() -> tuple[int, int]:
        async with httpx.AsyncClient() as http:
            first = await open_streams(http, [stream_url(server, user) for _ in range(20)])
            await asyncio.sleep(0.5)  # the threads given up have ended
            with_first = threads_of(server)
            second = await open_streams(http, [stream_url(server, user) for _ in range(20)])
            await asyncio.sleep(0.5)
            with_both = threads_of(server)
            await close(first + second)
        return with_first, with_both

    with_first, with_both = asyncio.run(scenario())

    # The process's shared thread pools are already started by the first twenty: twenty more
    # streams add none (they added twenty while each stream kept its request's thread).
    assert with_both - with_first < 5, f"{with_first} threads, then {with_both}"


def test_a_users_streams_beyond_the_cap_are_refused_in_every_process_until_one_closes(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    first, second = (start_server(REALTIME_MAX_STREAMS_PER_USER="2") for _ in range(2))

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            [on_first] = await open_streams(http, [stream_url(first, user)])
            [on_second] = await open_streams(http, [stream_url(second, user)])

            assert await try_to_open(http, stream_url(first, user)) == (429, "too_many_streams")

            await close([on_second])
            deadline = time.monotonic() + 10
            while await try_to_open(http, stream_url(first, user)) != (200, None):
                assert time.monotonic() < deadline, "closing a stream did not free its slot"
                await asyncio.sleep(0.1)
            await close([on_first])

    asyncio.run(scenario())


async def opens_once_freed(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
    """Waits for `url` to open, as it must once a closed stream's slots are given back."""
    deadline = time.monotonic() + 10
    while (outcome := await try_to_open(http, url, headers)) != (200, None):
        assert time.monotonic() < deadline, f"still refused: {outcome}"
        await asyncio.sleep(0.1)


def from_address(address: str) -> dict[str, str]:
    # The live server believes X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), as from a proxy.
    return {"X-Forwarded-For": address}


def test_streams_from_one_address_beyond_its_cap_are_refused_in_every_process(
    start_server: Callable[..., LiveServer], user: User, other_user: User
) -> None:
    first, second = (start_server(REALTIME_MAX_STREAMS_PER_ADDRESS="2") for _ in range(2))
    third_user = UserFactory.create()
    crowd, elsewhere = from_address("198.51.100.23"), from_address("198.51.100.24")

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            on_first = await open_streams(http, [stream_url(first, user)], crowd)
            on_second = await open_streams(http, [stream_url(second, other_user)], crowd)
            refused = [stream_url(server, third_user) for server in (first, second)]

            for url in refused:
                outcome = await try_to_open(http, url, crowd)
                assert outcome == (429, "too_many_streams_from_address")
            assert await try_to_open(http, stream_url(first, third_user), elsewhere) == (200, None)

            await close(on_second)
            await opens_once_freed(http, refused[0], crowd)  # the refused token still works
            await close(on_first)

    asyncio.run(scenario())


def test_a_stream_refused_for_the_process_cap_leaves_its_token_usable(
    start_server: Callable[..., LiveServer], user: User, other_user: User
) -> None:
    server = start_server(REALTIME_MAX_STREAMS_PER_PROCESS="1")

    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            holding = await open_streams(http, [stream_url(server, user)])
            waiting = stream_url(server, other_user)
            assert await try_to_open(http, waiting) == (503, "stream_capacity")
            await close(holding)
            await opens_once_freed(http, waiting, {})

    asyncio.run(scenario())


def test_streams_beyond_the_process_cap_are_refused_with_503_and_retry_after(
    start_server: Callable[..., LiveServer], user: User, other_user: User
) -> None:
    server = start_server(REALTIME_MAX_STREAMS_PER_PROCESS="1")

    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient() as http:
            tasks = await open_streams(http, [stream_url(server, user)])
            refused = await http.get(stream_url(server, other_user), timeout=10)
            await close(tasks)
        return refused

    refused = asyncio.run(scenario())

    assert refused.status_code == 503
    assert refused.json()["code"] == "stream_capacity"
    assert int(refused.headers["Retry-After"]) > 0


class RawStream:
    """A stream request on a bare socket, so the test decides the moment the client hangs up."""

    def __init__(self, server: LiveServer, cookies: httpx.Cookies) -> None:
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self.socket = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        request = (
            f"GET {STREAM} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            f"X-Forwarded-For: {OWN_ADDRESS}\r\n\r\n"
        )
        self.socket.sendall(request.encode())
        self.received = b""

    def read_until(self, marker: bytes) -> None:
        while marker not in self.received:
            chunk = self.socket.recv(4096)
            assert chunk, f"the server closed the stream before {marker!r}: {self.received!r}"
            self.received += chunk

    def abort(self) -> None:
        # SO_LINGER 0: close with a reset, the way a killed client or a dropped network goes.
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.socket.close()


def test_clients_that_hang_up_at_any_point_of_the_handshake_leave_nothing_held(
    start_server: Callable[..., LiveServer], user: User, own_redis: OwnRedis, settings: Settings
) -> None:
    settings.REDIS_REALTIME_URL = own_redis.url(db=6)
    server = start_server(REDIS_REALTIME_URL=own_redis.url(db=6), **WITH_HOLDINGS_URL)
    cookies = logged_in(server, user).http.cookies

    # Before the response starts: the realtime Redis answers nothing for a while, so the request
    # is still in the view (the hub not yet subscribed) when its client leaves.
    with Redis.from_url(own_redis.url()) as pausing:
        pausing.execute_command("CLIENT", "PAUSE", "1500", "ALL")
    stream = RawStream(server, cookies)
    time.sleep(0.5)
    stream.abort()
    time.sleep(1.2)  # the pause ends: the abandoned request goes on without its client
    assert settled_holdings(server, user) == NOTHING_HELD, "left behind before the response"

    for hang_up_after in ("the headers", "the first comment", "an event"):
        stream = RawStream(server, cookies)
        stream.read_until(b"\r\n\r\n")
        if hang_up_after != "the headers":
            stream.read_until(b": connected")
            assert holdings(server, user) == ONE_STREAM_HELD
        if hang_up_after == "an event":
            realtime_publish(channel=user_channel(user.pk), event="ping", data={})
            stream.read_until(b"event: ping")
        stream.abort()
        assert settled_holdings(server, user) == NOTHING_HELD, f"left behind after {hang_up_after}"


def test_a_last_event_id_with_a_newline_or_parts_beyond_64_bits_is_a_400_before_streaming(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server()
    refused: list[tuple[str, str, int, bytes]] = []

    for where, value in [
        ("query", "1700000000000-0\n"),
        ("query", "18446744073709551616-0"),
        ("header", "1-18446744073709551616"),
        ("header", "99999999999999999999-0"),
    ]:
        url, headers = stream_url(server, user), {"Last-Event-ID": value}
        if where == "query":
            url, headers = f"{url}&last_event_id={quote(value)}", {}
        with httpx.stream("GET", url, headers=headers, timeout=10) as response:
            refused.append((where, value, response.status_code, response.read()))

    for where, value, status, body in refused:
        assert status == 400, f"{where} {value!r}: {status} {body!r}"
        assert json.loads(body)["code"] == "invalid_last_event_id"


def test_the_stream_holdings_view_is_only_in_the_test_urlconf(client: Client) -> None:
    assert client.get(HOLDINGS_URL).status_code == 404  # config.urls, what every other server loads


def test_anonymous_stream_requests_spend_the_ips_budget_then_get_429(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(RATE_LIMIT_ANONYMOUS_RATE="2/min")
    forged = f"{server.url}{STREAM}?token=forged"

    statuses = [httpx.get(forged, timeout=10).status_code for _ in range(4)]

    assert statuses == [401, 401, 429, 429]
