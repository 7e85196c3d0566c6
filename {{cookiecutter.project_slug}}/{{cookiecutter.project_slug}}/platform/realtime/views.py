"""The event stream (an async view: it needs the ASGI server) and the demo page.

A stream lives for hours, so what it holds is bounded: no database connection once it streams,
one of its user's REALTIME_MAX_STREAMS_PER_USER connection leases and one of its client
address's REALTIME_MAX_STREAMS_PER_ADDRESS (in Redis, shared by every process) and one of its
process's REALTIME_MAX_STREAMS_PER_PROCESS slots. And only while its grant holds (grants.py):
every connection lease renewal checks it, and a logout, a password change or a deactivation
closes the stream.
"""

import asyncio
import functools
import re
import secrets
import threading
import weakref
from collections.abc import AsyncIterator

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from rest_framework.exceptions import APIException

from {{ cookiecutter.project_slug }}.platform.accounts.authorization_header import (
    CHALLENGE,
    UnsupportedAuthorization,
)
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.errors import error_response
from {{ cookiecutter.project_slug }}.platform.core.exception_handler import api_error_body
from {{ cookiecutter.project_slug }}.platform.rate_limit.anonymous import anonymous_refusal
from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip
from {{ cookiecutter.project_slug }}.platform.realtime.grants import StreamGrant, stream_grant
from {{ cookiecutter.project_slug }}.platform.realtime.hub import (
    ClientQueue,
    LiveEvent,
    current_hub,
)
from {{ cookiecutter.project_slug }}.platform.realtime.metrics import (
    realtime_events_delivered,
    realtime_streams_open,
)
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import user_channel
from {{ cookiecutter.project_slug }}.platform.realtime.selectors import realtime_replay
from {{ cookiecutter.project_slug }}.platform.realtime.services import (
    RECHECK_EVENT,
    StreamCap,
    connection_lease_release,
    connection_lease_renew,
    connection_lease_take,
    stream_token_grant,
    stream_token_spend,
)

# ASCII digits only (`\d` also matches other scripts' digits), and each part fits the unsigned
# 64 bits of a replay log (Redis Stream) entry id: anything else would fail in XRANGE after
# streaming started.
EVENT_ID = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")
MAX_EVENT_ID_PART = 2**64 - 1
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
CAPACITY_RETRY_AFTER_SECONDS = 5
# The last words of a stream whose grant lapsed: the page learns why its events stopped (a
# browser's EventSource reconnects after a stream ends; the spent token or ended session is a 401).
REVOKED_EVENT = b'event: stream.closed\ndata: {"reason": "access_revoked"}\n\n'
KEEP_ALIVE = b": keep-alive\n\n"


def valid_event_id(value: str) -> bool:
    # fullmatch: `re.match(...$)` also accepts a trailing newline.
    return EVENT_ID.fullmatch(value) is not None and all(
        int(part) <= MAX_EVENT_ID_PART for part in value.split("-")
    )


def _stream_grant(request: HttpRequest) -> StreamGrant | None:
    """The grant of the active user opening the stream (a one-time token, not yet spent, else the
    session), after which the database connection is given back: Django keeps it until the
    response ends, which for a stream is hours, and a few streams would empty the connection pool
    for everyone."""
    try:
        token = request.GET.get("token")
        if token:
            return stream_token_grant(token=token)
        user = request.user  # the session's user; anonymous if inactive (ModelBackend)
        if not isinstance(user, User):
            return None
        return stream_grant(user=user, session_key=request.session.session_key)
    finally:
        # Connections belong to the thread that opened them: this runs in that thread (the
        # request's thread-sensitive one, as the middleware and the session lookup did).
        connections.close_all()


def _grant_renewed(grant: StreamGrant, address: str, stream_id: str) -> bool:
    """connection_lease_renew in a worker thread, which gives back at once any database connection
    the grant check took (a worker thread's connection would otherwise stay checked out)."""
    try:
        return connection_lease_renew(grant=grant, address=address, stream_id=stream_id)
    finally:
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
            realtime_streams_open.inc()
            return True

    def give_back(self) -> None:
        with self._lock:
            self.taken -= 1
            realtime_streams_open.dec()


process_slots = ProcessSlots()


def _give_back_slots(user_id: int, address: str, stream_id: str) -> None:
    process_slots.give_back()
    release = functools.partial(
        connection_lease_release, user_id=user_id, address=address, stream_id=stream_id
    )
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

    def __init__(self, *, grant: StreamGrant, address: str, last_id: str | None) -> None:
        """Call only with a slot taken from process_slots: from here on, it is given back."""
        self.grant = grant
        self.user_id = grant.user_id
        self.address = address
        self.last_id = last_id
        self.stream_id = secrets.token_hex(8)
        self._give_back = weakref.finalize(
            self, _give_back_slots, self.user_id, address, self.stream_id
        )

    async def take_lease(self) -> StreamCap | None:
        """A lease of the user's and of the address's, or the cap that is full (nothing taken)."""
        taking = asyncio.ensure_future(
            sync_to_async(connection_lease_take, thread_sensitive=False)(
                user_id=self.user_id, address=self.address, stream_id=self.stream_id
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

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._events()

    async def _events(self) -> AsyncIterator[bytes]:
        _let_the_request_thread_go()
        channel, hub = user_channel(self.user_id), current_hub()
        last_id, queue, heartbeat = self.last_id, None, None
        try:
            queue = hub.subscribe(channel)
            await hub.wait_subscribed(channel, timeout=3.0)
            yield f"retry: 3000\n: connected to {channel}\n\n".encode()
            for missed in await realtime_replay(channel=channel, after=last_id) if last_id else []:
                last_id = missed.id
                yield missed.sse.encode()
                realtime_events_delivered.inc()
            heartbeat = Heartbeat(queue, settings.REALTIME_HEARTBEAT_SECONDS)
            while True:
                if heartbeat.due:  # by the clock: a busy stream renews too
                    heartbeat.due = False
                    renewed = sync_to_async(_grant_renewed, thread_sensitive=False)
                    if not await renewed(self.grant, self.address, self.stream_id):
                        yield REVOKED_EVENT
                        return
                event = await queue.get()
                if event is IDLE_TICK:
                    yield KEEP_ALIVE
                elif event.event == RECHECK_EVENT:
                    heartbeat.due = True  # the grant is checked now, before anything is sent
                elif _newer(event.id, last_id):  # replayed events also arrive live: send once
                    yield event.sse.encode()  # bytes: Django sends them as they are
                    realtime_events_delivered.inc()
        finally:  # the client went away (Django cancels the response): forget its queue at once
            if heartbeat is not None:
                heartbeat.stop()
            if queue is not None:
                hub.unsubscribe(channel, queue)
            self.close()


# Put in an idle stream's queue by its heartbeat, to send a keep-alive (never sent to a client).
IDLE_TICK = LiveEvent(id=None, event="", data="")


class Heartbeat:
    """Every REALTIME_HEARTBEAT_SECONDS the stream's lease renewal falls due, and an idle stream is
    woken to send a keep-alive: one timer per stream per heartbeat. (A timeout around each wait
    for an event made a timer per event per stream, a fifth of a stream's CPU per event.)"""

    def __init__(self, queue: ClientQueue, seconds: float) -> None:
        self.due = False
        self._queue, self._seconds = queue, seconds
        self._loop = asyncio.get_running_loop()
        self._timer = self._loop.call_later(seconds, self._beat)

    def _beat(self) -> None:
        self.due = True
        if self._queue.empty():  # a busy stream needs no keep-alive, and loses no event to one
            self._queue.offer(IDLE_TICK)
        self._timer = self._loop.call_later(self._seconds, self._beat)

    def stop(self) -> None:
        self._timer.cancel()


def _let_the_request_thread_go() -> None:
    """Shut down the thread this request's synchronous work ran on (the middleware, the session
    and user lookups).

    asgiref gives each request a thread of its own for that work and keeps it until the response
    ends, which for a stream is hours: an idle thread per open stream, half of a stream's memory
    and 10,000 threads at 10,000 clients. Once the body streams nothing in the request uses it
    again; closing the response at the end gets a fresh one.
    """
    request_context = SyncToAsync.thread_sensitive_context.get(None)
    if request_context is None:
        return
    executor = SyncToAsync.context_to_thread_executor.pop(request_context, None)
    if executor is not None:
        executor.shutdown(wait=False)


async def _unauthenticated(
    request: HttpRequest, *, code: str, detail: str, headers: dict[str, str] | None = None
) -> HttpResponseBase:
    # Refusals spend the client IP's "anonymous" budget, as the API's 401s do (429 once spent).
    refusal = await sync_to_async(anonymous_refusal, thread_sensitive=False)(request)
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
    try:
        grant = await sync_to_async(_stream_grant)(request)
    except APIException as error:  # 503: a store it needs is down (the token is not spent)
        return JsonResponse(api_error_body(error), status=error.status_code)
    if grant is None:
        return await _not_logged_in(request)
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
    stream = EventStream(grant=grant, address=client_ip(request), last_id=last_id)
    full = await stream.take_lease()
    if full is not None:
        stream.close()
        return _too_many_streams(full)
    refusal = await _spend_token(request)
    if refusal is not None:
        stream.close()
        return refusal
    return StreamingHttpResponse(stream, content_type="text/event-stream", headers=STREAM_HEADERS)


async def _not_logged_in(request: HttpRequest) -> HttpResponseBase:
    return await _unauthenticated(
        request,
        code="not_authenticated",
        detail="Log in, or use ?token= from /api/events/token/.",
    )


def _too_many_streams(full: StreamCap) -> JsonResponse:
    if full == "user":
        return error_response(
            status=429,
            code="too_many_streams",
            detail=f"At most {settings.REALTIME_MAX_STREAMS_PER_USER} event streams per user may "
            "be open at once; close one first.",
        )
    return error_response(
        status=429,
        code="too_many_streams_from_address",
        detail=f"At most {settings.REALTIME_MAX_STREAMS_PER_ADDRESS} event streams may be open "
        "from one client address at once; close one first.",
    )


async def _spend_token(request: HttpRequest) -> HttpResponseBase | None:
    """Spend the stream's one-time token, now that the stream is admitted; the refusal to send
    instead when a concurrent request spent it first (or Redis could not be asked)."""
    token = request.GET.get("token")
    if not token:
        return None
    try:
        spent = await sync_to_async(stream_token_spend, thread_sensitive=False)(token=token)
    except APIException as error:
        return JsonResponse(api_error_body(error), status=error.status_code)
    return None if spent else await _not_logged_in(request)


def realtime_page(request: HttpRequest) -> HttpResponse:
    return render(request, "realtime/page.html")
