"""The event stream (an async view: it needs the ASGI server) and the demo page."""

import asyncio
import re
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from {{ cookiecutter.project_slug }}.realtime.channels import user_channel
from {{ cookiecutter.project_slug }}.realtime.hub import ClientQueue, Event, current_hub
from {{ cookiecutter.project_slug }}.realtime.selectors import realtime_replay
from {{ cookiecutter.project_slug }}.realtime.services import stream_token_redeem

EVENT_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


async def _stream_user_id(request: HttpRequest) -> int | None:
    token = request.GET.get("token")
    if token:
        return await sync_to_async(stream_token_redeem, thread_sensitive=False)(token=token)
    user = await request.auser()
    return int(user.pk) if user.is_authenticated else None


def _newer(event_id: str | None, than: str | None) -> bool:
    if event_id is None or than is None:
        return True
    return tuple(map(int, event_id.split("-"))) > tuple(map(int, than.split("-")))


async def _events(channel: str, queue: ClientQueue, last_id: str | None) -> AsyncIterator[str]:
    hub = current_hub()
    try:
        yield f"retry: 3000\n: connected to {channel}\n\n"
        for missed in await realtime_replay(channel=channel, after=last_id) if last_id else []:
            last_id = missed.id
            yield missed.as_sse()
        while True:
            try:
                event: Event = await asyncio.wait_for(
                    queue.get(), timeout=settings.REALTIME_HEARTBEAT_SECONDS
                )
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if _newer(event.id, last_id):  # replayed events also arrive live: send them once
                yield event.as_sse()
    finally:  # the client went away (Django cancels the response): forget its queue at once
        hub.unsubscribe(channel, queue)


async def event_stream(request: HttpRequest) -> HttpResponseBase:
    if not isinstance(request, ASGIRequest):
        return _error(
            501,
            "asgi_required",
            "The event stream needs the ASGI server (uvicorn, or gunicorn with uvicorn "
            "workers); under WSGI it would be buffered forever.",
        )
    user_id = await _stream_user_id(request)
    if user_id is None:
        return _error(401, "not_authenticated", "Log in, or use ?token= from /api/events/token/.")
    last_id = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if last_id is not None and not EVENT_ID.match(last_id):
        return _error(400, "invalid_last_event_id", "Last-Event-ID must look like 1700000000000-0.")
    channel, hub = user_channel(user_id), current_hub()
    queue = hub.subscribe(channel)
    await hub.wait_subscribed(timeout=3.0)
    return StreamingHttpResponse(
        _events(channel, queue, last_id), content_type="text/event-stream", headers=STREAM_HEADERS
    )


def realtime_page(request: HttpRequest) -> HttpResponse:
    return render(request, "realtime/page.html")
