from django.apps import AppConfig


class RatelimitConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.ratelimit"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.ratelimit import checks  # noqa: F401  (registers the checks)
