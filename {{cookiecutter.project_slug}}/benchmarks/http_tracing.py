"""The tracing row of benchmarks/http.py: the cached notes list served with tracing on at 100 %
sampling, exporting to a local OTLP/HTTP sink this benchmark starts, against the same list with
tracing off in the same run (docs/tracing.md records the figures)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from benchmarks.ports import free_port

SERVER = "wsgi-traced"
ROW = "notes list (cached, traced)"


class SpanSink:
    """A local OTLP/HTTP endpoint that decodes each export and counts its spans: a Collector's
    cost of receiving, without a Collector to install."""

    def __init__(self) -> None:
        self.port = free_port()
        self.spans = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler_class())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                export = ExportTraceServiceRequest()
                export.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
                sink.count(export)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the count is what the benchmark reads."""

        return Handler

    def count(self, export: ExportTraceServiceRequest) -> None:
        spans = sum(
            len(scope.spans) for resource in export.resource_spans for scope in resource.scope_spans
        )
        with self._lock:
            self.spans += spans

    def server_env(self) -> dict[str, str]:
        """The standard variables that turn tracing on, every request sampled."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{self.port}",
            "OTEL_SERVICE_NAME": "bench",
            "OTEL_TRACES_SAMPLER": "always_on",
            "OTEL_SDK_DISABLED": "false",
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def require_spans(sink: SpanSink, requests: float) -> None:
    """Stop unless the traced server's spans reached the sink: a row measured with an exporter
    that sent nothing would show tracing as free."""
    if sink.spans < requests:
        raise SystemExit(
            f"tracing on: {sink.spans} spans received for {requests:.0f} requests; "
            "the traced server did not export (is the OTLP exporter installed?)"
        )


def ratios(rows: dict[str, dict[str, float]]) -> dict[str, float]:
    """Tracing's cost: the traced list against the same list untraced, same run."""
    traced, untraced = rows[ROW], rows["notes list (cached)"]
    return {
        "traced_over_untraced": traced["rps"] / untraced["rps"],
        "traced_p50_over_untraced_p50": traced["p50_ms"] / untraced["p50_ms"],
    }
