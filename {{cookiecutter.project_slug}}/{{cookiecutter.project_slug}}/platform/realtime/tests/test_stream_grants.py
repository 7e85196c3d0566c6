"""A stream lives only as long as what granted it: its session, its user's password and
activation. Live uvicorn servers renewing (and re-checking) twice a second; real HTTP clients."""

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest
from django.db import connections

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import user_channel
from {{ cookiecutter.project_slug }}.platform.realtime.services import (
    realtime_publish,
    stream_token_issue,
)
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.sse import SseClient

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "/api/events/stream/"
# Leases are renewed, and grants re-checked, every heartbeat: here twice a second.
FAST_RENEWALS = {"REALTIME_HEARTBEAT_SECONDS": "0.5"}
CLOSED = "stream.closed"


def logged_in(server: LiveServer, user: User) -> ApiSession:
    session = ApiSession()
    assert session.login(server, user.username, PASSWORD).status_code == 200
    return session


def minted_url(server: LiveServer, session: ApiSession) -> str:
    """A stream URL with a token from the API, asked for with the session."""
    response = session.post(server, "/api/events/token/")
    assert response.status_code == 200, response.text
    return f"{server.url}{response.json()['stream_url']}"


def bearer_url(server: LiveServer, user: User) -> str:
    """A stream URL with a token minted without a session (as for a Bearer-token caller)."""
    return f"{server.url}{STREAM}?token={stream_token_issue(user=user)}"


class Streams:
    """One user's streams, each read in the background by its own client."""

    def __init__(self, http: httpx.AsyncClient, user: User) -> None:
        self.http, self.user_id = http, user.pk
        self.clients: list[SseClient] = []
        self.tasks: list[asyncio.Task[None]] = []

    async def open(self, *urls: str) -> None:
        for url in urls:
            client = SseClient()
            self.clients.append(client)
            self.tasks.append(asyncio.create_task(client.run(self.http, url, {})))
        connecting = [client.connected.wait() for client in self.clients]
        await asyncio.wait_for(asyncio.gather(*connecting), timeout=20)

    async def all_receive(self, event: str) -> None:
        channel = user_channel(self.user_id)
        await asyncio.to_thread(realtime_publish, channel=channel, event=event, data={})
        for client in self.clients:
            await client.wait_for(1)
            assert client.events[-1][0] == event

    async def ended_by_the_server(self, timeout: float = 10) -> list[str]:
        """Waits for the server to end every stream; the last event of each."""
        done, pending = await asyncio.wait(self.tasks, timeout=timeout)
        if pending:
            await self.close()
        assert not pending, f"{len(pending)} of {len(self.tasks)} streams still open"
        for task in done:
            task.result()  # a stream that broke, rather than ended, fails here
        return [client.events[-1][0] for client in self.clients]

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def refusal(url: str) -> tuple[int, str | None]:
    """The status and error code of a stream request (an opened stream is closed again)."""
    with httpx.stream("GET", url, timeout=10) as response:
        if response.status_code == 200:
            return 200, None
        return response.status_code, json.loads(response.read())["code"]


def test_logout_closes_the_sessions_streams_and_spoils_its_unused_tokens(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server(**FAST_RENEWALS)
    session = logged_in(server, user)
    opened_with_token, unused_token = minted_url(server, session), minted_url(server, session)

    async def scenario() -> list[str]:
        async with httpx.AsyncClient(cookies=session.http.cookies) as http:
            streams = Streams(http, user)
            await streams.open(f"{server.url}{STREAM}", opened_with_token)
            await streams.all_receive("before")
            logout = await asyncio.to_thread(session.post, server, "/api/auth/logout/")
            assert logout.status_code == 204
            return await streams.ended_by_the_server()

    assert asyncio.run(scenario()) == [CLOSED, CLOSED]
    assert refusal(unused_token) == (401, "not_authenticated")


async def saved(change: Callable[[User], None], user: User) -> None:
    """`change(user)` from a worker thread (the ORM is synchronous), whose connection is closed."""

    def in_thread() -> None:
        try:
            change(user)
        finally:
            connections.close_all()

    await asyncio.to_thread(in_thread)


def test_a_token_asked_for_with_a_session_opens_nothing_once_it_logged_out(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server()
    session = logged_in(server, user)
    url = minted_url(server, session)

    assert session.post(server, "/api/auth/logout/").status_code == 204

    assert refusal(url) == (401, "not_authenticated")


def change_password(user: User) -> None:
    user.set_password("a-new-password")
    user.save()


def deactivate(user: User) -> None:
    user.is_active = False
    user.save()


def delete(user: User) -> None:
    user.delete()


def rename(user: User) -> None:
    user.email = "renamed@example.com"
    user.save()


@pytest.mark.parametrize("change", [change_password, deactivate, delete])
def test_a_password_change_deactivation_or_deletion_closes_streams_and_spoils_tokens(
    start_server: Callable[..., LiveServer], user: User, change: Callable[[User], None]
) -> None:
    server = start_server(**FAST_RENEWALS)
    session = logged_in(server, user)
    # With the session cookie, with a token the session asked for, with one minted without a
    # session (a Bearer-token caller's): all end.
    urls = [f"{server.url}{STREAM}", minted_url(server, session), bearer_url(server, user)]
    unused = [minted_url(server, session), bearer_url(server, user)]

    async def scenario() -> list[str]:
        async with httpx.AsyncClient(cookies=session.http.cookies) as http:
            streams = Streams(http, user)
            await streams.open(*urls)
            await streams.all_receive("before")
            await saved(change, user)
            return await streams.ended_by_the_server()

    assert asyncio.run(scenario()) == [CLOSED] * 3
    assert [refusal(url) for url in unused] == [(401, "not_authenticated")] * 2


def test_streams_outlive_renewals_and_saves_that_leave_the_credentials_alone(
    start_server: Callable[..., LiveServer], user: User
) -> None:
    server = start_server(**FAST_RENEWALS)
    session = logged_in(server, user)

    async def scenario() -> None:
        async with httpx.AsyncClient(cookies=session.http.cookies) as http:
            streams = Streams(http, user)
            await streams.open(f"{server.url}{STREAM}", bearer_url(server, user))
            await asyncio.sleep(1.5)  # three renewals
            await saved(rename, user)
            await asyncio.sleep(1.5)
            await streams.all_receive("after")
            assert not any(task.done() for task in streams.tasks)
            await streams.close()

    asyncio.run(scenario())
