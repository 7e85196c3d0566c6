from celery import signals
from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background tasks the API enqueued for a user: who owns them, and their state."""

    name = "{{ cookiecutter.project_slug }}.platform.jobs"

    def ready(self) -> None:
        from django.conf import settings

        from {{ cookiecutter.project_slug }}.platform.core.health import register_health_probe
        from {{ cookiecutter.project_slug }}.platform.core.redis_clients import register_redis_role
        from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import probe_worker
        from {{ cookiecutter.project_slug }}.platform.jobs.metrics import (
            CeleryScrapeCollector,
            task_metrics_connect,
        )
        from {{ cookiecutter.project_slug }}.platform.jobs.request_ids import (
            add_request_id_header,
            bind_task_request_id,
            forget_task_request_id,
        )
        from {{ cookiecutter.project_slug }}.platform.observability.metrics import (
            register_scrape_collector,
        )

        # Celery owns the connections that carry tasks; these clients only check on them.
        register_redis_role("broker", url_setting="REDIS_BROKER_URL")
        register_redis_role("results", url_setting="REDIS_RESULTS_URL")
        register_health_probe(
            "worker", probe_worker, critical=lambda: bool(settings.HEALTH_WORKER_CRITICAL)
        )
        # The request id travels with the task (request_ids.py).
        uid = "jobs-request-id"
        signals.before_task_publish.connect(add_request_id_header, dispatch_uid=uid, weak=False)
        signals.task_prerun.connect(bind_task_request_id, dispatch_uid=uid, weak=False)
        signals.task_postrun.connect(forget_task_request_id, dispatch_uid=uid, weak=False)
        if settings.METRICS_ENABLED:
            register_scrape_collector(CeleryScrapeCollector())
            task_metrics_connect()
