"""Worker liveness without `inspect ping`: each worker's main process writes a key with a TTL
every few seconds from its own timer, which keeps running while its pool is busy with tasks."""

import time

from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client


def _key(hostname: str) -> str:
    return f"{settings.WORKER_HEARTBEAT_PREFIX}:{hostname}"


def worker_heartbeat_record(*, hostname: str) -> None:
    interval = settings.WORKER_HEARTBEAT_INTERVAL
    redis_client("durable").set(_key(hostname), repr(time.time()), ex=max(1, int(interval * 3)))


def worker_heartbeat_clear(*, hostname: str) -> None:
    redis_client("durable").delete(_key(hostname))


def worker_heartbeats() -> dict[str, float]:
    """Seconds since each live worker's last heartbeat (dead workers' keys have expired)."""
    client = redis_client("durable")
    prefix = f"{settings.WORKER_HEARTBEAT_PREFIX}:"
    ages = {}
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        written = client.get(key)
        if written is not None:
            name = key.decode() if isinstance(key, bytes) else str(key)
            ages[name.removeprefix(prefix)] = round(time.time() - float(written), 3)
    return ages


def worker_is_alive() -> bool:
    freshness = settings.WORKER_HEARTBEAT_INTERVAL * 3
    return any(age <= freshness for age in worker_heartbeats().values())


def probe_worker() -> None:
    """The health check's probe of the workers (registered by jobs/apps.py)."""
    if not worker_is_alive():
        raise ConnectionError("no Celery worker sent a heartbeat recently")
