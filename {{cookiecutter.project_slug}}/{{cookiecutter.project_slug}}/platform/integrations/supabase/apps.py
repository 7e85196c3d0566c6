from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig

# Checks of one Supabase feature each, present only in a project that uses it.
FEATURE_CHECKS = ("storage_checks", "auth_checks")


class SupabaseConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.integrations.supabase"
    label = "supabase_integration"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.core.deploy_checks import (
            register_placeholder_setting,
        )
        from {{ cookiecutter.project_slug }}.platform.integrations.supabase import checks  # noqa: F401  (registers the checks)

        register_placeholder_setting("SUPABASE_URL", "SUPABASE_URL")
        for module in FEATURE_CHECKS:
            if find_spec(f"{self.name}.{module}") is not None:
                import_module(f"{self.name}.{module}")  # registers its checks
