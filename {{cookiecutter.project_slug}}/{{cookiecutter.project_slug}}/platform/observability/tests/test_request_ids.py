"""Each request gets one id: the caller's when it is a plain token, a new one otherwise; on the
response, errors included, and on every line logged while serving it."""

import asyncio
import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator

import pytest
from django.http import HttpRequest, StreamingHttpResponse
from django.test import RequestFactory
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.observability.log_records import (
    JsonLogFormatter,
    RequestContextFilter,
)
from {{ cookiecutter.project_slug }}.platform.observability.request_ids import (
    current_request_id,
    request_id_middleware,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_PUBLIC_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_log_lines() -> Iterator[io.StringIO]:
    """What django.request logs (the 404 and 500 lines), in the production shape."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_request_without_an_id_gets_a_new_one_on_its_response(
    anonymous_client: APIClient,
) -> None:
    first = anonymous_client.get(HARNESS_PUBLIC_URL)["X-Request-ID"]
    second = anonymous_client.get(HARNESS_PUBLIC_URL)["X-Request-ID"]

    assert re.fullmatch("[0-9a-f]{32}", first)
    assert first != second


def test_a_valid_incoming_id_is_kept(anonymous_client: APIClient) -> None:
    incoming = "lb-7f3a:0001.retry_2" + "x" * 108  # 128 characters: the longest kept

    response = anonymous_client.get(HARNESS_PUBLIC_URL, headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["x" * 129, "has space", 'quote"d', "<script>", "ünïcode", ""],
)
def test_an_invalid_incoming_id_is_replaced_not_echoed(
    anonymous_client: APIClient, incoming: str
) -> None:
    response = anonymous_client.get(HARNESS_PUBLIC_URL, headers={"X-Request-ID": incoming})

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_an_error_response_and_its_log_line_carry_the_request_id(
    anonymous_client: APIClient, request_log_lines: io.StringIO
) -> None:
    response = anonymous_client.get("/api/no-such-page/", headers={"X-Request-ID": "support-42"})

    assert response.status_code == 404
    assert response["X-Request-ID"] == "support-42"
    line = json.loads(request_log_lines.getvalue().splitlines()[-1])
    assert line["message"] == "Not Found: /api/no-such-page/"
    assert line["request_id"] == "support-42"


def test_no_request_id_is_left_bound_after_the_request(anonymous_client: APIClient) -> None:
    anonymous_client.get(HARNESS_PUBLIC_URL, headers={"X-Request-ID": "done-1"})

    assert current_request_id() is None


def test_a_cross_origin_front_end_may_read_the_request_id(
    anonymous_client: APIClient, settings: Settings
) -> None:
    origin = "https://app.example.com"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    response = anonymous_client.get(HARNESS_PUBLIC_URL, headers={"Origin": origin})

    assert "x-request-id" in response.get("Access-Control-Expose-Headers", "").lower()


def test_each_stream_logs_its_own_request_id_while_its_body_is_sent(
    request_log_lines: io.StringIO,
) -> None:
    """Under ASGI each request runs in a task of its own, and a stream's body is produced after
    the middleware has returned: its lines still carry its id, not another stream's."""
    logger = logging.getLogger("django.request")

    async def events(name: str) -> AsyncIterator[bytes]:
        for number in range(3):
            logger.warning("%s sends %d", name, number)
            await asyncio.sleep(0)  # let the other stream run in between
            yield b"data: {}\n\n"

    async def stream_view(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(events(request.headers["X-Request-ID"]))

    middleware = request_id_middleware(stream_view)

    async def serve(request_id: str) -> None:
        request = RequestFactory().get("/api/events/stream/", headers={"X-Request-ID": request_id})
        response = await middleware(request)
        assert response["X-Request-ID"] == request_id
        async for _chunk in response:  # as the server sends it
            pass

    async def two_streams() -> None:
        await asyncio.gather(
            asyncio.create_task(serve("stream-a")), asyncio.create_task(serve("stream-b"))
        )

    asyncio.run(two_streams())

    lines = [json.loads(line) for line in request_log_lines.getvalue().splitlines()]
    assert len(lines) == 6
    for line in lines:
        assert line["message"].startswith(line["request_id"])
