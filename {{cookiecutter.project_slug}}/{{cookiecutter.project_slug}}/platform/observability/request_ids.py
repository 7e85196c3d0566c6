"""The request id: one id per request, on every log line written while serving it, returned to the
client as X-Request-ID, and carried to the tasks and events the request starts.

An incoming X-Request-ID (a proxy's or a client's, so support can quote it) is kept when it is a
plain token of at most 128 characters; anything else is replaced by a generated id and never
echoed, so a client cannot write arbitrary text into the logs or the response headers.
"""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.core.signals import request_finished
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_MAX_LENGTH = 128
_VALID_REQUEST_ID = re.compile("[A-Za-z0-9._:-]+")

# Per request: a WSGI worker's thread serves one request at a time, and under ASGI each request
# runs in a task of its own, which copies the context.
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

GetResponse = Callable[[HttpRequest], Any]


def current_request_id() -> str | None:
    """The id of the request (or task) this code runs for; None outside of one."""
    return _request_id.get()


def bind_request_id(request_id: str | None) -> None:
    """Make `request_id` the current one in this context (a task started for a request)."""
    _request_id.set(request_id)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(incoming: str | None) -> str:
    """`incoming` when it is a valid id, else a new one."""
    if (
        incoming is not None
        and len(incoming) <= REQUEST_ID_MAX_LENGTH
        and _VALID_REQUEST_ID.fullmatch(incoming)
    ):
        return incoming
    return new_request_id()


def _start(request: HttpRequest) -> str:
    request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
    _request_id.set(request_id)
    return request_id


@sync_and_async_middleware
def request_id_middleware(get_response: GetResponse) -> GetResponse:
    """First in MIDDLEWARE, so every later layer logs with the id and every response, an error
    page or a refusal by a later middleware included, carries it. The id stays bound until the
    response is closed: a streamed body and the server's access log line are written after this
    returns."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            request_id = _start(request)
            response: HttpResponseBase = await get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        request_id = _start(request)
        response: HttpResponseBase = get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response

    return middleware


def _forget_request_id(**kwargs: Any) -> None:
    # A WSGI thread goes on to serve other requests: lines between them belong to none.
    _request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="observability-forget-request-id")
