from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Logs, traces and metrics: the bottom platform layer, so every feature above may report."""

    name = "{{ cookiecutter.project_slug }}.platform.observability"
