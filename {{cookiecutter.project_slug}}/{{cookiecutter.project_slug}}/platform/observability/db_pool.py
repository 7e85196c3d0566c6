"""`db_pool_connections{state}`: the psycopg pool's connections in use and idle, in a process that
takes its connections from a pool (the events server: DATABASE_POOL, components/database.py).

Sampled when a request starts and when it ends, the moments the count changes for a request;
each process sets its own value and a scrape sums the live ones (multiprocess `livesum`).
"""

from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connections

from {{ cookiecutter.project_slug }}.platform.observability.metrics import db_pool_connections


def uses_a_pool(alias: str = "default") -> bool:
    return bool(connections.settings[alias].get("OPTIONS", {}).get("pool"))


def db_pool_record(alias: str = "default") -> None:
    stats = connections[alias].pool.get_stats()  # type: ignore[attr-defined]
    size, idle = int(stats.get("pool_size", 0)), int(stats.get("pool_available", 0))
    db_pool_connections.labels("in_use").set(size - idle)
    db_pool_connections.labels("idle").set(idle)


def _sample(**kwargs: Any) -> None:
    db_pool_record()


def db_pool_metrics_connect() -> None:
    """Sample the pool around every request of this process, when it has one."""
    if uses_a_pool():
        request_started.connect(_sample, dispatch_uid="db-pool-metrics-started")
        request_finished.connect(_sample, dispatch_uid="db-pool-metrics-finished")
