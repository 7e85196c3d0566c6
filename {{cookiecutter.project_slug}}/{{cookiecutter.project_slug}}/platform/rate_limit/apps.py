from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.rate_limit"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.core.exception_handler import (
            on_unauthenticated,
        )
        from {{ cookiecutter.project_slug }}.platform.rate_limit import checks  # noqa: F401  (registers the checks)
        from {{ cookiecutter.project_slug }}.platform.rate_limit.anonymous import (
            anonymous_api_exception,
        )

        # Missing or failed authentication spends the client IP's "anonymous" budget.
        on_unauthenticated(anonymous_api_exception)
