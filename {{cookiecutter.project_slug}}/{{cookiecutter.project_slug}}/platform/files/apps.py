from django.apps import AppConfig


class FilesConfig(AppConfig):
    """Users' files in Supabase Storage, each user confined to their own folder."""

    name = "{{ cookiecutter.project_slug }}.platform.files"
