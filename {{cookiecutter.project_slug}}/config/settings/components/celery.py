"""Celery on Redis. Broker and results get their own database numbers: the cache is flushed
and evicted, and an evicted broker key is a lost task."""

{% if cookiecutter.__celery_beat == "y" -%}
from celery.schedules import crontab

{% endif -%}
from config.env import env, redis_env, refuse_cluster_url, with_redis_password

from {{ cookiecutter.project_slug }}.platform.core.redis_config import (
    redis_url_with_db,
    sentinel_kwargs,
)
from {{ cookiecutter.project_slug }}.platform.jobs.celery_redis import (
    celery_sentinel_url,
    celery_tls,
)

_REDIS = redis_env()
# The Redis URLs of the broker and result roles (check_redis and the health check use these)...
REDIS_BROKER_URL = with_redis_password(
    env.str("CELERY_BROKER_URL", default=redis_url_with_db(_REDIS.durable_url, 3))
)
REDIS_RESULTS_URL = with_redis_password(
    env.str("CELERY_RESULT_BACKEND", default=redis_url_with_db(_REDIS.durable_url, 4))
)
# Never on a Redis Cluster (REDIS_CLUSTER_NODES): kombu has no cluster transport.
refuse_cluster_url(REDIS_BROKER_URL, "CELERY_BROKER_URL", cluster_nodes=_REDIS.cluster_nodes)
refuse_cluster_url(REDIS_RESULTS_URL, "CELERY_RESULT_BACKEND", cluster_nodes=_REDIS.cluster_nodes)

# ...and what Celery connects with: the same URLs, or the sentinels when REDIS_SENTINELS is set.
CELERY_BROKER_URL = (
    celery_sentinel_url(REDIS_BROKER_URL, sentinels=_REDIS.sentinels)
    if _REDIS.sentinels
    else REDIS_BROKER_URL
)
CELERY_RESULT_BACKEND = (
    celery_sentinel_url(REDIS_RESULTS_URL, sentinels=_REDIS.sentinels)
    if _REDIS.sentinels
    else REDIS_RESULTS_URL
)
CELERY_BROKER_USE_SSL = celery_tls(REDIS_BROKER_URL, ca_certs=_REDIS.ssl_ca_certs)
CELERY_REDIS_BACKEND_USE_SSL = celery_tls(REDIS_RESULTS_URL, ca_certs=_REDIS.ssl_ca_certs)

# JSON only: a pickled message from anyone who can write to Redis would run code in the worker.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
# Every task gets a hard limit (the child is killed) and a soft one it can catch to clean up.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=4 * 60)
# Acknowledge-late is per task: only tasks declared idempotent (acks_late=True,
# reject_on_worker_lost=True on the task) are run again after a crash.
CELERY_TASK_ACKS_LATE = False
# One message at a time per process: a long task never holds others hostage in its prefetch.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A message not acknowledged within this many seconds is delivered again, so it must exceed the
# longest task run time AND the longest countdown/ETA the project uses (keep both under an hour).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Sweep for messages of workers that died often enough for the timeout above.
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS: dict[str, object] = {}
if _REDIS.sentinels:
    for _transport_options in (
        CELERY_BROKER_TRANSPORT_OPTIONS,
        CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS,
    ):
        _transport_options["master_name"] = _REDIS.sentinel_master
        _transport_options["sentinel_kwargs"] = sentinel_kwargs(
            socket_timeout=_REDIS.socket_timeout, password=_REDIS.sentinel_password
        )
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Celery logs through Django's LOGGING (config/celery.py) instead of replacing it.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Worker liveness (jobs/heartbeat.py): a key per worker, refreshed every interval.
WORKER_HEARTBEAT_INTERVAL = env.float("WORKER_HEARTBEAT_INTERVAL", default=5.0)
WORKER_HEARTBEAT_PREFIX = f"{_REDIS.key_prefix}:worker-heartbeat"
# True: /api/health/ answers 503 when no worker is alive; False: it reports "degraded".
HEALTH_WORKER_CRITICAL = env.bool("HEALTH_WORKER_CRITICAL", default=False)
# The worker's Prometheus endpoint (docs/metrics.md; 0 turns it off). Loopback by default: it has
# no access check of its own, so open it (0.0.0.0) only on a private network, as compose does.
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=9808)
WORKER_METRICS_ADDRESS = env.str("WORKER_METRICS_ADDRESS", default="127.0.0.1")
{%- if cookiecutter.__celery_beat == "y" %}

_JOBS = "{{ cookiecutter.project_slug }}.platform.jobs"
CELERY_BEAT_SCHEDULER = f"{_JOBS}.beat.MigratedDatabaseScheduler"
# Seconds beat waits for `migrate` to create its tables before giving up with a clear message.
CELERY_BEAT_MIGRATION_WAIT = env.int("CELERY_BEAT_MIGRATION_WAIT", default=120)
# Installed into the database scheduler at start; edit schedules in the admin afterwards.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-jobs": {
        "task": f"{_JOBS}.tasks.jobs_purge_expired_task",
        "schedule": crontab(hour=3, minute=30),
    },
}
{%- endif %}

# base.py star-imports this module: only the settings above may leave it.
del {% if cookiecutter.__celery_beat == "y" %}crontab, {% endif %}celery_sentinel_url, celery_tls, env, redis_env
del redis_url_with_db, refuse_cluster_url, sentinel_kwargs, with_redis_password
