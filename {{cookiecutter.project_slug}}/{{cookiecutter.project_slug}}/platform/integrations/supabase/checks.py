"""Checks of the settings every Supabase feature needs (what only one feature needs is checked
in a module of that feature's own, loaded by apps.py)."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id


@register(Tags.security)
def check_supabase_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    url = urlsplit(settings.SUPABASE_URL)
    if url.scheme in ("http", "https") and url.hostname:
        return []
    return [
        Error(
            f"SUPABASE_URL={settings.SUPABASE_URL!r} is not a URL.",
            hint="Use the project URL from Supabase's API settings: https://<ref>.supabase.co",
            id=check_id("E008"),
        )
    ]


@register(Tags.security, deploy=True)
def check_supabase_uses_https(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if urlsplit(settings.SUPABASE_URL).scheme == "https":
        return []
    return [
        Error(
            (
                "SUPABASE_URL is not https: the keys and tokens exchanged with Supabase would "
                "travel in clear."
            ),
            hint="Use https://<ref>.supabase.co in production.",
            id=check_id("E010"),
        )
    ]
