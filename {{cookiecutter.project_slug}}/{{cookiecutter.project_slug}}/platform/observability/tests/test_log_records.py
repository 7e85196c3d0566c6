"""The production line: JSON with the request id, and the trace and span ids of a recording span."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from {{ cookiecutter.project_slug }}.platform.observability.log_records import (
    JsonLogFormatter,
    RequestContextFilter,
    TextLogFormatter,
    log_format,
)
from {{ cookiecutter.project_slug }}.platform.observability.request_ids import bind_request_id


@pytest.fixture
def log_lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("test.log_records")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True
    bind_request_id(None)


def last_line(stream: io.StringIO) -> dict[str, object]:
    line: dict[str, object] = json.loads(stream.getvalue().splitlines()[-1])
    return line


def test_a_line_is_json_with_the_bound_request_id(
    log_lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log_lines
    bind_request_id("abc-123")

    logger.warning("paid %s", "invoice 7")

    line = last_line(stream)
    assert line["message"] == "paid invoice 7"
    assert line["level"] == "WARNING"
    assert line["logger"] == "test.log_records"
    assert line["request_id"] == "abc-123"
    assert "trace_id" not in line


def test_a_line_in_a_recording_span_carries_its_trace_and_span_ids(
    log_lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log_lines
    tracer = TracerProvider().get_tracer("test")

    with tracer.start_as_current_span("work") as span:
        logger.info("inside")
    context = span.get_span_context()

    line = last_line(stream)
    assert line["trace_id"] == f"{context.trace_id:032x}"
    assert line["span_id"] == f"{context.span_id:016x}"


def test_a_span_that_is_not_sampled_adds_no_ids(
    log_lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = log_lines
    tracer = TracerProvider(sampler=ALWAYS_OFF).get_tracer("test")

    with tracer.start_as_current_span("dropped"):
        logger.info("inside")

    assert "trace_id" not in last_line(stream)
    assert trace.get_current_span().is_recording() is False


def test_the_text_line_shows_the_request_id_or_a_dash() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    RequestContextFilter().filter(record)
    assert "[-] hello" in TextLogFormatter().format(record)

    bind_request_id("r-1")
    RequestContextFilter().filter(record)
    bind_request_id(None)
    assert "[r-1] hello" in TextLogFormatter().format(record)


def test_production_settings_default_to_json_and_development_to_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DJANGO_LOG_FORMAT", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.production")
    assert log_format() == "json"
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.local")
    assert log_format() == "text"
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "JSON")
    assert log_format() == "json"


def test_an_unknown_log_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "xml")

    with pytest.raises(ImproperlyConfigured, match="json or text"):
        log_format()
