"""An OTLP/HTTP trace receiver on a port of its own: what a Collector is to the project's exporter.
It decodes each export with opentelemetry-proto, as a Collector does, and keeps the spans."""

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.servers import ProductionServer

TRACES_PATH = "/v1/traces"


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, str]


def _text(value: AnyValue) -> str:
    kind = value.WhichOneof("value")
    return str(getattr(value, kind)) if kind else ""


def decode_spans(body: bytes) -> list[ReceivedSpan]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attributes = {a.key: _text(a.value) for a in span.attributes}
                spans.append(
                    ReceivedSpan(
                        service=resource.get("service.name", ""),
                        name=span.name,
                        kind=span.kind,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex(),
                        attributes=attributes,
                    )
                )
    return spans


class OtlpReceiver:
    """Accepts POST /v1/traces (protobuf, gzip or not) and answers as a Collector does."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.spans: list[ReceivedSpan] = []
        self.exports = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path != TRACES_PATH:
                    self.send_error(404)
                    return
                receiver.receive(decode_spans(body))
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test reads the spans, not a request log."""

        return Handler

    def receive(self, spans: list[ReceivedSpan]) -> None:
        with self._lock:
            self.spans.extend(spans)
            self.exports += 1

    def env(self, service_name: str = "traced") -> dict[str, str]:
        """The standard variables that point a process's exporter here, sampling every trace."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.endpoint,
            "OTEL_SERVICE_NAME": service_name,
            "OTEL_TRACES_SAMPLER": "always_on",
            # Exported soon after each span ends, not every five seconds.
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }

    def wait_for(
        self, found: Callable[[list[ReceivedSpan]], bool], timeout: float = 30
    ) -> list[ReceivedSpan]:
        """The spans received once `found` holds of them; fails naming what came otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                spans = list(self.spans)
            if found(spans):
                return spans
            time.sleep(0.1)
        names = sorted({(span.service, span.name) for span in self.spans})
        pytest.fail(f"the spans expected never arrived in {timeout} s; received: {names}")

    def start(self) -> "OtlpReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def traced_server(tmp_path: Path, receiver: OtlpReceiver) -> ProductionServer:
    """The production server command (gunicorn, config/gunicorn.py) exporting to `receiver`, on
    the test settings: the harness app's views and cookies over plain HTTP."""
    return ProductionServer(
        tmp_path / "gunicorn.log",
        DJANGO_SETTINGS_MODULE="config.settings.test",
        **receiver.env(),
    )


def server_span(spans: list[ReceivedSpan], method: str, path: str) -> ReceivedSpan | None:
    return next(
        (
            span
            for span in spans
            if span.kind == Span.SPAN_KIND_SERVER
            and span.name.startswith(method)
            and span.name.rstrip("/").endswith(path.strip("/"))
        ),
        None,
    )


def descends_from(span: ReceivedSpan, ancestor: ReceivedSpan, spans: list[ReceivedSpan]) -> bool:
    by_id = {candidate.span_id: candidate for candidate in spans}
    parent = by_id.get(span.parent_span_id)
    while parent is not None:
        if parent == ancestor:
            return True
        parent = by_id.get(parent.parent_span_id)
    return False
