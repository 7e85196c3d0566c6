"""Traces over OpenTelemetry, switched on by the standard OTEL_* variables (docs/tracing.md).

Off (no OTLP endpoint, or OTEL_TRACES_EXPORTER=none, or OTEL_SDK_DISABLED=true) nothing is
installed: no middleware, no wrapped client, no exporter thread. On, each process exports its
spans over OTLP/HTTP under `<OTEL_SERVICE_NAME or the project's slug>-<process kind>`.

`start_tracing` runs after fork, in the process that serves (gunicorn's `post_fork`, and each
other process kind's own start hook): the exporter's thread and connections do not survive a
fork. `stop_tracing` flushes the spans a process still holds before it exits.
"""

from importlib.metadata import entry_points

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from config.env import env

# "web", "events", or the name of another kind of process the project runs.
ProcessKind = str

DEFAULT_SERVICE_NAME = "{{ cookiecutter.project_slug }}"
# Instrumentations installed beside these (the task queue's, in a project that runs background
# jobs) are found by their entry points: the project's dependencies decide.
INSTRUMENTED_EXPLICITLY = frozenset({"django", "psycopg", "redis", "httpx", "httpx2"})

_provider: TracerProvider | None = None


def tracing_requested() -> bool:
    """Whether the environment asks for traces, read as the OpenTelemetry SDK reads it."""
    if env.bool("OTEL_SDK_DISABLED", default=False):
        return False
    exporters = env.list("OTEL_TRACES_EXPORTER", default=["otlp"])
    if "none" in exporters:
        return False
    endpoint = env.str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", default="") or env.str(
        "OTEL_EXPORTER_OTLP_ENDPOINT", default=""
    )
    return bool(endpoint)


def service_name(process_kind: ProcessKind) -> str:
    """`<OTEL_SERVICE_NAME or the slug>-<kind>`: one service per process kind in the trace view."""
    base = env.str("OTEL_SERVICE_NAME", default="") or DEFAULT_SERVICE_NAME
    return f"{base}-{process_kind}"


def start_tracing(process_kind: ProcessKind) -> TracerProvider | None:
    """Install the exporter and the instrumentations in this process, if the environment asks
    for traces; None (and nothing installed) otherwise. A second call in one process is a no-op."""
    global _provider
    if _provider is not None or not tracing_requested():
        return _provider
    # OTEL_RESOURCE_ATTRIBUTES and the sampler (OTEL_TRACES_SAMPLER, _ARG) are read by the SDK.
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name(process_kind)}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _instrument_libraries()
    _provider = provider
    return provider


def _instrument_libraries() -> None:
    # Django's middleware is added to settings.MIDDLEWARE: this must run before the handler loads
    # its middleware chain (gunicorn's post_fork comes before the worker loads the application).
    DjangoInstrumentor().instrument()
    PsycopgInstrumentor().instrument()
    # redis-py's client class: every Redis role's client goes through it.
    RedisInstrumentor().instrument()
    # Outgoing HTTP: the calls to outside services (key sets, storage).
    HTTPXClientInstrumentor().instrument()
    for entry in entry_points(group="opentelemetry_instrumentor"):
        if entry.name not in INSTRUMENTED_EXPLICITLY:
            # A task queue's: the trace context travels in each message's headers.
            entry.load()().instrument()


def stop_tracing() -> None:
    """Export the spans this process still holds (the batch processor sends every few seconds):
    called as a process exits, so its last requests are not lost."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None
