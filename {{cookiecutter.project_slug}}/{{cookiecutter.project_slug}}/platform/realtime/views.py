"""The event stream (an async view: it needs the ASGI server) and the demo page.

A stream lives for hours, so what it holds is bounded: no database connection once it streams,
one of its user's REALTIME_MAX_STREAMS_PER_USER leases (in Redis, shared by every process) and one
of its process's REALTIME_MAX_STREAMS_PER_PROCESS slots.
"""

import asyncio
import functools
import re
import secrets
import threading
import weakref
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from {{ cookiecutter.project_slug }}.platform.accounts.authorization_header import (
    CHALLENGE,
    UnsupportedAuthorization,
)
from {{ cookiecutter.project_slug }}.platform.core.errors import error_response
from {{ cookiecutter.project_slug }}.platform.rate_limit.anonymous import unauthenticated_refusal
from {{ cookiecutter.project_slug }}.platform.realtime.channels import user_channel
from {{ cookiecutter.project_slug }}.platform.realtime.hub import Event, current_hub
from {{ cookiecutter.project_slug }}.platform.realtime.selectors import realtime_replay
from {{ cookiecutter.project_slug }}.platform.realtime.services import (
    stream_lease_release,
    stream_lease_renew,
    stream_lease_take,
    stream_token_redeem,
)

# ASCII digits only (`\d` also matches other scripts' digits), and each part fits the unsigned
# 64 bits of a Redis stream id: anything else would fail in XRANGE after streaming started.
EVENT_ID = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")
MAX_EVENT_ID_PART = 2**64 - 1
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
CAPACITY_RETRY_AFTER_SECONDS = 5


def valid_event_id(value: str) -> bool:
    # fullmatch: `re.match(...$)` also accepts a trailing newline.
    return EVENT_ID.fullmatch(value) is not None and all(
        int(part) <= MAX_EVENT_ID_PART for part in value.split("-")
    )


def _stream_user_id(request: HttpRequest) -> int | None:
    """The active user opening the stream (a one-time token, else the session), after which the
    database connection is given back: Django keeps it until the response ends, which for a
    stream is hours, and a few streams would empty the connection pool for everyone."""
    try:
        token = request.GET.get("token")
        if token:
            return stream_token_redeem(token=token)
        user = request.user  # the session's user; anonymous if inactive (ModelBackend)
        return int(user.pk) if user.is_authenticated else None
    finally:
        # Connections belong to the thread that opened them: this runs in that thread (the
        # request's thread-sensitive one, as the middleware and the session lookup did).
        connections.close_all()


def _newer(event_id: str | None, than: str | None) -> bool:
    if event_id is None or than is None:
        return True
    return tuple(map(int, event_id.split("-"))) > tuple(map(int, than.split("-")))


class ProcessSlots:
    """This process's open streams, against REALTIME_MAX_STREAMS_PER_PROCESS. Taken on the event
    loop, given back from it or from the thread Django closes responses in: hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.taken = 0

    def take(self) -> bool:
        with self._lock:
            if self.taken >= settings.REALTIME_MAX_STREAMS_PER_PROCESS:
                return False
            self.taken += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.taken -= 1


process_slots = ProcessSlots()


def _give_back_slots(user_id: int, stream_id: str) -> None:
    process_slots.give_back()
    release = functools.partial(stream_lease_release, user_id=user_id, stream_id=stream_id)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        release()  # a worker thread (Django closing the response): it may wait for Redis
    else:
        # On the event loop a Redis round trip would stall every stream of the process.
        loop.run_in_executor(None, release)


class EventStream:
    """The body of one stream response, and the slots it holds.

    The slots are given back exactly once (weakref.finalize runs its function once), by whichever
    comes first: the body ending, Django closing the response (a client that leaves before the
    body starts never starts it), or the garbage collector (a response dropped by a request
    cancelled inside the middleware is never closed). The hub subscription is made inside the body,
    so a body that never starts leaves no queue behind.
    """

    def __init__(self, *, user_id: int, last_id: str | None) -> None:
        """Call only with a slot taken from process_slots: from here on, it is given back."""
        self.user_id = user_id
        self.last_id = last_id
        self.stream_id = secrets.token_hex(8)
        self._give_back = weakref.finalize(self, _give_back_slots, user_id, self.stream_id)

    async def take_lease(self) -> bool:
        """One of the user's REALTIME_MAX_STREAMS_PER_USER leases, or False when all are held."""
        taking = asyncio.ensure_future(
            sync_to_async(stream_lease_take, thread_sensitive=False)(
                user_id=self.user_id, stream_id=self.stream_id
            )
        )
        try:
            return await asyncio.shield(taking)
        except asyncio.CancelledError:
            # The client left while Redis answered: release once the lease is settled, or a
            # late take would land after its release and hold the slot until it lapses.
            taking.add_done_callback(lambda _: self.close())
            raise

    def close(self) -> None:
        """Called by Django when it closes the response (from a worker thread)."""
        self._give_back()

    def __aiter__(self) -> AsyncIterator[str]:
        return self._events()

    async def _events(self) -> AsyncIterator[str]:
        channel, hub, loop = user_channel(self.user_id), current_hub(), asyncio.get_running_loop()
        heartbeat: float = settings.REALTIME_HEARTBEAT_SECONDS
        last_id, queue = self.last_id, None
        try:
            queue = hub.subscribe(channel)
            await hub.wait_subscribed(timeout=3.0)
            yield f"retry: 3000\n: connected to {channel}\n\n"
            for missed in await realtime_replay(channel=channel, after=last_id) if last_id else []:
                last_id = missed.id
                yield missed.as_sse()
            renew_at = loop.time() + heartbeat
            while True:
                if loop.time() >= renew_at:  # by the clock: a busy stream gets no keep-alives
                    await sync_to_async(stream_lease_renew, thread_sensitive=False)(
                        user_id=self.user_id, stream_id=self.stream_id
                    )
                    renew_at = loop.time() + heartbeat
                try:
                    event: Event = await asyncio.wait_for(queue.get(), timeout=heartbeat)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if _newer(event.id, last_id):  # replayed events also arrive live: send them once
                    yield event.as_sse()
        finally:  # the client went away (Django cancels the response): forget its queue at once
            if queue is not None:
                hub.unsubscribe(channel, queue)
            self.close()


async def _unauthenticated(
    request: HttpRequest, *, code: str, detail: str, headers: dict[str, str] | None = None
) -> HttpResponseBase:
    # Refusals spend the client IP's "anon" budget, as the API's 401s do (429 once spent).
    refusal = await sync_to_async(unauthenticated_refusal, thread_sensitive=False)(request)
    return refusal or error_response(status=401, code=code, detail=detail, headers=headers)


async def event_stream(request: HttpRequest) -> HttpResponseBase:
    if not isinstance(request, ASGIRequest):
        return error_response(
            status=501,
            code="asgi_required",
            detail="The event stream needs the ASGI server (uvicorn, or gunicorn with uvicorn "
            "workers); under WSGI it would be buffered forever.",
        )
    if "HTTP_AUTHORIZATION" in request.META:
        # As on the API (accounts/authorization_header.py): a credential the stream cannot use is
        # refused, never ignored in favour of the session cookie that came with it.
        return await _unauthenticated(
            request,
            code=UnsupportedAuthorization.default_code,
            detail="The event stream takes no Authorization header: use the session cookie, or "
            "?token= from /api/events/token/.",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    user_id = await sync_to_async(_stream_user_id)(request)
    if user_id is None:
        return await _unauthenticated(
            request,
            code="not_authenticated",
            detail="Log in, or use ?token= from /api/events/token/.",
        )
    last_id = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if last_id is not None and not valid_event_id(last_id):
        return error_response(
            status=400,
            code="invalid_last_event_id",
            detail="Last-Event-ID must look like 1700000000000-0.",
        )
    if not process_slots.take():
        return error_response(
            status=503,
            code="stream_capacity",
            detail="This server holds as many event streams as it may; retry shortly.",
            headers={"Retry-After": str(CAPACITY_RETRY_AFTER_SECONDS)},
        )
    stream = EventStream(user_id=user_id, last_id=last_id)
    if not await stream.take_lease():
        stream.close()
        return error_response(
            status=429,
            code="too_many_streams",
            detail=f"At most {settings.REALTIME_MAX_STREAMS_PER_USER} event streams per user may "
            "be open at once; close one first.",
        )
    return StreamingHttpResponse(stream, content_type="text/event-stream", headers=STREAM_HEADERS)


def realtime_page(request: HttpRequest) -> HttpResponse:
    return render(request, "realtime/page.html")
