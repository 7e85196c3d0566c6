from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.core"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.core import (  # noqa: F401  (registers the checks)
            checks,
            client_address,
            deploy_checks,
        )
