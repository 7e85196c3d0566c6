"""Deploy checks (`manage.py check --deploy`) for values that are only safe in development.

IDs are stable:
- E020 a placeholder from the generated env file is still configured;
- E021 any host is allowed;
- E023 a CSRF trusted origin is not https;
- E024 an ALLOWED_HOSTS wildcard is a bare public suffix (`.com`, `.co.uk`);
- E025 SESSION_USER_CACHE_SECONDS is beyond its bound;
- W026 the API schema and docs page are public;
- E041 a cookie is SameSite=None without Secure.

Platform features add the settings E020 looks at with `register_placeholder_setting()`, and their
own deploy checks beside their code.
"""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_role_urls

# What the generated .env.production and .env.example say where the user must put a real value.
PLACEHOLDER = re.compile(r"your-project-ref|replace-with-|change-?me|__[A-Z][A-Z0-9_]*__", re.I)
# Settings whose values come from the deployment's environment, each with the variable it is read
# from: a message names what the user edits in .env.production, not Django's name for it.
checked_settings = {
    "SECRET_KEY": "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS": "DJANGO_ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS": "DJANGO_CSRF_TRUSTED_ORIGINS",
}


def register_placeholder_setting(name: str, variable: str) -> None:
    """Have E020 report setting `name`, read from environment variable `variable`, while it
    still holds a placeholder from the generated env files."""
    checked_settings[name] = variable


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def _redis_urls() -> dict[str, str]:
    """REDIS_DURABLE_URL, and the URL of each role given a server or credentials of its own: the
    other roles took theirs from REDIS_DURABLE_URL, which is the one variable to fix."""
    urls = redis_role_urls()
    durable = urls["durable"]
    own = {
        f"the {role} role's Redis URL": url
        for role, url in urls.items()
        if urlsplit(url).netloc != urlsplit(durable).netloc
    }
    return {"REDIS_DURABLE_URL": durable, **own}


def settings_with_placeholders() -> list[str]:
    """The variables (never values: they may be secrets) whose settings still hold a placeholder."""
    values: dict[str, Any] = {
        variable: getattr(settings, name) for name, variable in checked_settings.items()
    }
    values["DATABASE_URL"] = settings.DATABASES["default"]
    values.update(_redis_urls())
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
            id=check_id("E020"),
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
            id=check_id("E021"),
        )
    ]


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
            id=check_id("E023"),
        )
    ]


# Without a public suffix list, a wildcard (leading dot) is refused when it names a top-level
# domain, or a registry's second level under a country code (`.co.uk`, `.com.au`, `.ac.jp`).
REGISTRY_SECOND_LEVELS = frozenset(
    {"ac", "co", "com", "edu", "gob", "go", "gov", "ltd", "mil", "ne", "net", "or", "org", "plc"}
)


def is_public_suffix_wildcard(host: str) -> bool:
    if not host.startswith("."):
        return False
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) <= 1:
        return True
    return len(labels) == 2 and len(labels[1]) == 2 and labels[0] in REGISTRY_SECOND_LEVELS


@register(Tags.security, deploy=True)
def check_allowed_hosts_are_not_public_suffixes(
    app_configs: Any, **kwargs: Any
) -> list[CheckMessage]:
    suffixes = [host for host in settings.ALLOWED_HOSTS if is_public_suffix_wildcard(host)]
    if not suffixes:
        return []
    return [
        Error(
            f"ALLOWED_HOSTS allows every domain under a public suffix: {', '.join(suffixes)}.",
            hint=(
                "Anyone can register a domain there and point it at this server: list your own "
                "domains in DJANGO_ALLOWED_HOSTS (`.example.com` for its subdomains)."
            ),
            id=check_id("E024"),
        )
    ]


# A user changed by QuerySet.update() (no signal) keeps its old copy, active or staff, this long.
MAX_SESSION_USER_CACHE_SECONDS = 600


@register(Tags.security, deploy=True)
def check_session_user_cache_is_bounded(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    seconds = settings.SESSION_USER_CACHE_SECONDS
    if 0 <= seconds <= MAX_SESSION_USER_CACHE_SECONDS:
        return []
    return [
        Error(
            f"SESSION_USER_CACHE_SECONDS is {seconds}; it must be 0 to "
            f"{MAX_SESSION_USER_CACHE_SECONDS}.",
            hint=(
                "A deactivation or role change made without saving the user (QuerySet.update()) "
                "shows only once the session's copy of the user is this old: keep the default 60."
            ),
            id=check_id("E025"),
        )
    ]


@register(Tags.security, deploy=True)
def check_api_docs_are_not_public(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.API_DOCS_PUBLIC:
        return []
    return [
        Warning(
            "API_DOCS_PUBLIC is on: anyone can read the schema and docs page.",
            hint=(
                "They map every endpoint for an attacker; unset API_DOCS_PUBLIC so only staff "
                f"see them. To publish them anyway, add '{check_id('W026')}' to "
                "SILENCED_SYSTEM_CHECKS in config/settings/production.py (start-up runs check "
                "--deploy --fail-level WARNING)."
            ),
            id=check_id("W026"),
        )
    ]


@register(Tags.security, deploy=True)
def check_samesite_none_cookies_are_secure(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    cookies = {
        "session": (settings.SESSION_COOKIE_SAMESITE, settings.SESSION_COOKIE_SECURE),
        "CSRF": (settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE),
    }
    insecure = [
        name for name, (same_site, secure) in cookies.items() if same_site == "None" and not secure
    ]
    if not insecure:
        return []
    return [
        Error(
            f"SameSite=None without Secure on the {' and '.join(insecure)} cookie.",
            hint=(
                "Browsers drop a SameSite=None cookie that is not Secure, so a front end on "
                "another site could never log in: serve the API over https with "
                "SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE on, or set DJANGO_COOKIE_SAMESITE "
                "to Lax."
            ),
            id=check_id("E041"),
        )
    ]
