"""Checks of what only Supabase Storage needs (loaded by apps.py when Storage is used)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.deploy_checks import (
    register_placeholder_setting,
)

register_placeholder_setting("SUPABASE_SECRET_KEY", "SUPABASE_SECRET_KEY")


@register(Tags.security)
def check_supabase_secret_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.SUPABASE_SECRET_KEY.strip():
        return []
    return [
        Error(
            "The Supabase secret (service-role) key is empty.",
            hint="Set SUPABASE_SECRET_KEY.",
            id=check_id("E009"),
        )
    ]
