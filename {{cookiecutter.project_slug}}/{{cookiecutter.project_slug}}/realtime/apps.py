from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Events for browsers: Redis pub/sub fanned out over Server-Sent Events."""

    name = "{{ cookiecutter.project_slug }}.realtime"
