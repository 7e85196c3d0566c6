from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background tasks the API enqueued for a user: who owns them, and their state."""

    name = "{{ cookiecutter.project_slug }}.platform.jobs"
