"""What every log line carries, and the two shapes it is written in.

`json` (production): one JSON object per line on stdout, for a log collector to index by field.
`text` (development): one readable line. DJANGO_LOG_FORMAT chooses; the default is `text` under
the development settings (local, test) and `json` under any other. Django's LOGGING
(config/settings/components/logging.py, which background workers apply too) and gunicorn's and
uvicorn's logs (config/gunicorn.py) all use `log_config_parts`, so their lines share one shape:
`time`, `level`, `logger`, `process`, `message`, `request_id` (null outside a request or
task), `trace_id` and `span_id` (hex, while an OpenTelemetry span records), and on access lines
`method`, `path`, `status` and `duration` (seconds).

This module is imported by gunicorn's master before Django is set up: it reads no settings.
"""

import logging
import logging.config
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from config.env import SETTINGS_WITH_DEV_DEFAULTS, env, settings_module

from {{ cookiecutter.project_slug }}.platform.observability.request_ids import current_request_id

LOG_FORMATS = ("json", "text")
# gunicorn's access log atoms (its `access_log_format` names): the response's X-Request-ID header
# is `{x-request-id}o`.
_GUNICORN_ID_ATOM = "{x-request-id}o"


def log_format() -> str:
    """DJANGO_LOG_FORMAT, `json` or `text`."""
    default = "text" if settings_module() in SETTINGS_WITH_DEV_DEFAULTS else "json"
    chosen: str = env.str("DJANGO_LOG_FORMAT", default=default).lower()
    if chosen not in LOG_FORMATS:
        raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={chosen!r}: use json or text.")
    return chosen


def _add_trace_ids(record: logging.LogRecord) -> None:
    context = trace.get_current_span().get_span_context()
    if context.is_valid and trace.get_current_span().is_recording():
        record.trace_id = trace.format_trace_id(context.trace_id)
        record.span_id = trace.format_span_id(context.span_id)


def _add_access_fields(record: logging.LogRecord) -> None:
    """The request of a gunicorn or uvicorn access line as fields (the query string is left out:
    it may hold a one-time token)."""
    if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
        atoms = record.args
        record.method = atoms["m"]
        record.path = atoms["U"]
        record.status = int(str(atoms["s"]))
        record.duration = float(str(atoms["L"]))
        # Taken from the response: the middleware's id, also when the worker's context no
        # longer holds it.
        if getattr(record, "request_id", None) is None and atoms[_GUNICORN_ID_ATOM] != "-":
            record.request_id = atoms[_GUNICORN_ID_ATOM]
    elif (
        record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5
    ):
        _client, method, full_path, _version, status = record.args
        record.method = method
        record.path = str(full_path).split("?", 1)[0]
        record.status = status


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, the trace ids and an access line's request fields to a record: on the
    handlers, so records propagated from any logger get them too. Filters nothing out."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        _add_trace_ids(record)
        _add_access_fields(record)
        return True


class JsonLogFormatter(JsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            ["asctime", "levelname", "name", "process", "message"],
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )


class TextLogFormatter(logging.Formatter):
    """One readable line, the request id in brackets (`-` outside a request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(process)d [%(request_label)s] %(message)s"
        )

    def format(self, record: logging.LogRecord) -> str:
        record.request_label = getattr(record, "request_id", None) or "-"
        return super().format(record)


def log_config_parts(*, log_format: str) -> dict[str, Any]:
    """The `filters`, `formatters` and `handlers` of a logging dictConfig: `console`, writing
    `log_format` lines with the request's context to stdout, where containers' logs are read."""
    formatter = JsonLogFormatter if log_format == "json" else TextLogFormatter
    return {
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {"lines": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "lines",
                "filters": ["request_context"],
            },
        },
    }


def configure_logging(config: dict[str, Any]) -> None:
    """Django's LOGGING_CONFIG: applies LOGGING, and sends Python's warnings through it (as the
    `py.warnings` logger), which the warnings module would otherwise write bare to stderr."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
