"""The platform's Prometheus metrics (docs/metrics.md lists every metric, with each feature's own).

Features record into these objects where things happen; nothing here knows a feature. A feature
defines its own metrics in its own `metrics.py`, and values that are only true at scrape time come
from collectors it adds with `register_scrape_collector()` from its AppConfig.ready().

Under gunicorn each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR
(observability/multiprocess.py) and a scrape sums them, so any worker answers for all of them.
"""

from collections.abc import Iterable
from typing import Protocol

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

from {{ cookiecutter.project_slug }}.platform.observability.multiprocess import (
    multiprocess_directory,
)

# Requests of an API answer in milliseconds; the tail up to a slow page still lands in a bucket.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A Redis command on a local network takes tens to hundreds of microseconds.
REDIS_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1.0)

http_requests = Counter(
    "http_requests",
    "Requests answered, by URL pattern (route), method and status code.",
    ["route", "method", "status"],
)
http_request_duration = Histogram(
    "http_request_duration_seconds",
    "Time from the first middleware to the response, by URL pattern and method.",
    ["route", "method"],
    buckets=REQUEST_BUCKETS,
)
redis_command_duration = Histogram(
    "redis_command_duration_seconds",
    "Redis round trips (a command, or a pipeline of them), by the role's name.",
    ["role"],
    buckets=REDIS_BUCKETS,
)
rate_limit_decisions = Counter(
    "rate_limit_decisions",
    "Requests the rate limiter counted, by scope and decision (allowed or limited).",
    ["scope", "decision"],
)
db_pool_connections = Gauge(
    "db_pool_connections",
    "Database pool connections by state (in_use, idle), over the live processes.",
    ["state"],
    multiprocess_mode="livesum",
)


class ScrapeCollector(Protocol):
    def collect(self) -> Iterable[Metric]: ...


SCRAPE_COLLECTORS: list[ScrapeCollector] = []


def register_scrape_collector(collector: ScrapeCollector) -> None:
    """Add `collector`, asked for its metrics on every scrape (and only then)."""
    if collector not in SCRAPE_COLLECTORS:
        SCRAPE_COLLECTORS.append(collector)


class _ProcessMetrics:
    """This process's own metrics, when it is the only one (runserver, tests, one worker)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def metrics_registry() -> CollectorRegistry:
    """What one scrape reports: every worker's values (multiprocess) or this process's, and the
    scrape-time collectors."""
    registry = CollectorRegistry(auto_describe=False)
    directory = multiprocess_directory()
    if directory:
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessMetrics())
    for collector in SCRAPE_COLLECTORS:
        registry.register(collector)
    return registry
