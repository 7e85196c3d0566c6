from django.apps import AppConfig


class SupabaseConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.platform.integrations.supabase"
    label = "supabase_integration"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.platform.integrations.supabase import checks  # noqa: F401  (registers the checks)
