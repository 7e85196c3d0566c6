"""Deploy checks (`manage.py check --deploy`) for values that are only safe in development.

IDs are stable:
- E020 a placeholder from the generated env file is still configured;
- E021 any host is allowed;
{%- if cookiecutter.use_supabase_auth == "y" %}
- E022 the HS256 token secret is too short to resist offline guessing;
{%- endif %}
- E023 a CSRF trusted origin is not https.
"""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls

SLUG = "{{ cookiecutter.project_slug }}"
# What the generated .env.production and .env.example say where the user must put a real value.
PLACEHOLDER = re.compile(r"your-project-ref|replace-with-|change-?me|__[A-Z][A-Z0-9_]*__", re.I)
{%- if cookiecutter.use_supabase_auth == "y" %}
# HS256 with a short secret can be brute-forced offline from one token: RFC 7518 asks for a key
# at least as long as the hash (256 bits); Supabase's own legacy secrets are 40+ characters.
MIN_JWT_SECRET_LENGTH = 32
{%- endif %}
# Settings whose values come from the deployment's environment, by name.
CHECKED_SETTINGS = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
{%- if cookiecutter.use_supabase_auth == "y" or cookiecutter.use_supabase_storage == "y" %}
    "SUPABASE_URL",
{%- endif %}
{%- if cookiecutter.use_supabase_storage == "y" %}
    "SUPABASE_SERVICE_ROLE_KEY",
{%- endif %}
{%- if cookiecutter.use_supabase_auth == "y" %}
    "SUPABASE_JWT_SECRET",
{%- endif %}
)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def settings_with_placeholders() -> list[str]:
    """Names (never values: they may be secrets) of settings that still hold a placeholder."""
    values: dict[str, Any] = {name: getattr(settings, name) for name in CHECKED_SETTINGS}
    values["DATABASES"] = settings.DATABASES["default"]
    values.update({f"Redis URL ({role})": url for role, url in redis_role_urls().items()})
    return [
        name
        for name, value in values.items()
        if any(PLACEHOLDER.search(text) for text in _texts(value))
    ]


@register(Tags.security, deploy=True)
def check_no_placeholders_left(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    names = settings_with_placeholders()
    if not names:
        return []
    return [
        Error(
            f"Placeholder values are still configured: {', '.join(names)}.",
            hint=(
                "Replace every 'your-project-ref' / 'replace-with-...' value in your production "
                "environment (.env.production) with the real one from your Supabase project."
            ),
            id=f"{SLUG}.E020",
        )
    ]


@register(Tags.security, deploy=True)
def check_allowed_hosts_are_named(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if "*" not in settings.ALLOWED_HOSTS:
        return []
    return [
        Error(
            "ALLOWED_HOSTS allows any host ('*').",
            hint=(
                "Forged Host headers then reach the app (password-reset links, absolute URLs, "
                "cache keys): list your domains in DJANGO_ALLOWED_HOSTS."
            ),
            id=f"{SLUG}.E021",
        )
    ]
{%- if cookiecutter.use_supabase_auth == "y" %}


@register(Tags.security, deploy=True)
def check_jwt_secret_length(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    secret = settings.SUPABASE_JWT_SECRET
    if not secret or len(secret) >= MIN_JWT_SECRET_LENGTH:
        return []
    return [
        Error(
            f"SUPABASE_JWT_SECRET is {len(secret)} characters; HS256 needs at least "
            f"{MIN_JWT_SECRET_LENGTH}.",
            hint=(
                "Anyone holding one token could guess a short secret offline and sign tokens for "
                "any user. Paste the project's JWT secret from Supabase, or leave it empty to "
                "accept only the asymmetric (JWKS) keys."
            ),
            id=f"{SLUG}.E022",
        )
    ]
{%- endif %}


@register(Tags.security, deploy=True)
def check_csrf_trusted_origins_use_https(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    insecure = [
        origin for origin in settings.CSRF_TRUSTED_ORIGINS if urlsplit(origin).scheme != "https"
    ]
    if not insecure:
        return []
    return [
        Error(
            f"CSRF trusted origins that are not https: {', '.join(insecure)}.",
            hint=(
                "A page served over plain http can be altered in transit and would be trusted to "
                "post with users' cookies: use https:// origins in DJANGO_CSRF_TRUSTED_ORIGINS."
            ),
            id=f"{SLUG}.E023",
        )
    ]
