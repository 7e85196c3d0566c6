from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Events for browsers: Redis pub/sub fanned out over Server-Sent Events."""

    name = "{{ cookiecutter.project_slug }}.realtime"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.realtime import checks  # noqa: F401  (registers the checks)
