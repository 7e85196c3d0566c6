"""Redis clients that time every round trip into `redis_command_duration_seconds{role}`.

core's Redis clients (core/redis_clients.py) and django-redis's caches (REDIS_CLIENT_CLASS, set
by core/redis_config.py) are built from this class when METRICS_ENABLED is on, each with the name
of its role in core's registry: check_redis, /health and the metrics name the same roles.
"""

import time
from typing import Any

from redis import Redis
from redis.client import Pipeline

from {{ cookiecutter.project_slug }}.platform.observability.metrics import redis_command_duration


class TimedPipeline(Pipeline):
    """A pipeline is one round trip: timed once, when it is sent."""

    def __init__(self, *args: Any, metrics_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._duration = redis_command_duration.labels(metrics_role)

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        started = time.perf_counter()
        try:
            return super().execute(raise_on_error)
        finally:
            self._duration.observe(time.perf_counter() - started)


class TimedRedis(Redis):
    def __init__(self, *args: Any, metrics_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics_role = metrics_role
        self._duration = redis_command_duration.labels(metrics_role)

    def execute_command(self, *args: Any, **options: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().execute_command(*args, **options)  # type: ignore[no-untyped-call, unused-ignore]
        finally:
            self._duration.observe(time.perf_counter() - started)

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> TimedPipeline:
        return TimedPipeline(
            self.connection_pool,
            self.response_callbacks,
            transaction,
            shard_hint,
            metrics_role=self.metrics_role,
        )
