from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Logs, traces and metrics: the bottom platform layer, so every feature above may report."""

    name = "{{ cookiecutter.project_slug }}.platform.observability"

    def ready(self) -> None:
        from django.conf import settings

        if settings.METRICS_ENABLED:
            from {{ cookiecutter.project_slug }}.platform.observability.db_pool import (
                db_pool_metrics_connect,
            )

            db_pool_metrics_connect()
