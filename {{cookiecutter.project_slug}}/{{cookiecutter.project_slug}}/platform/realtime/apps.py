from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Events for browsers: Redis pub/sub fanned out over Server-Sent Events."""

    name = "{{ cookiecutter.project_slug }}.platform.realtime"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.core.events import on_domain_event
        from {{ cookiecutter.project_slug }}.platform.realtime import checks  # noqa: F401  (registers the checks)
        from {{ cookiecutter.project_slug }}.platform.realtime.services import realtime_forward

        # Every domain event reaches its owner's browsers: products announce, never publish.
        on_domain_event("*", realtime_forward)
