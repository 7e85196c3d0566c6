"""Checks of what only Supabase Auth needs (loaded by apps.py when Auth is used)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.deploy_checks import (
    register_placeholder_setting,
)

# HS256 with a short secret can be brute-forced offline from one token: RFC 7518 asks for a key
# at least as long as the hash (256 bits); Supabase's own legacy secrets are 40+ characters.
MIN_JWT_SECRET_LENGTH = 32

register_placeholder_setting("SUPABASE_JWT_SECRET", "SUPABASE_JWT_SECRET")


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
            id=check_id("E022"),
        )
    ]
