from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

SLUG = "{{ cookiecutter.project_slug }}"


@register(Tags.security)
def check_supabase_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    url = urlsplit(settings.SUPABASE_URL)
    if url.scheme not in ("http", "https") or not url.hostname:
        errors.append(
            Error(
                f"SUPABASE_URL={settings.SUPABASE_URL!r} is not a URL.",
                hint="Use the project URL from Supabase's API settings: https://<ref>.supabase.co",
                id=f"{SLUG}.E008",
            )
        )
{%- if cookiecutter.use_supabase_storage == "y" %}
    if not settings.SUPABASE_SECRET_KEY.strip():
        errors.append(
            Error(
                "The Supabase secret (service-role) key is empty.",
                hint="Set SUPABASE_SECRET_KEY.",
                id=f"{SLUG}.E009",
            )
        )
{%- endif %}
    return errors


@register(Tags.security, deploy=True)
def check_supabase_uses_https(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if urlsplit(settings.SUPABASE_URL).scheme == "https":
        return []
    return [
        Error(
            "SUPABASE_URL is not https: {% if cookiecutter.use_supabase_auth == "y" %}tokens, keys and the key set{% else %}keys and signed URLs{% endif %} would travel in clear.",
            hint="Use https://<ref>.supabase.co in production.",
            id=f"{SLUG}.E010",
        )
    ]
