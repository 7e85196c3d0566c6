from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.rate_limit"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.rate_limit import checks  # noqa: F401  (registers the checks)
