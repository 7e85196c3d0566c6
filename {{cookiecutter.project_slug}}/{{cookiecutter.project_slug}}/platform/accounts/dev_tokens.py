"""Access tokens for development (`manage.py dev_token`): what Supabase Auth would issue for a
signed-in user, signed with the development-only key (dev_token_key.py)."""

import time
import uuid
from datetime import timedelta

import jwt
from django.db import transaction

from {{ cookiecutter.project_slug }}.platform.accounts.dev_token_key import (
    DEV_ALGORITHM,
    DEV_KEY_ID,
    dev_token_private_key,
    dev_tokens_enabled,
)
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.supabase_tokens import AUDIENCE, issuer


class DevTokensDisabled(Exception):
    """These settings name no development key (production never does)."""


@transaction.atomic
def dev_user_link(*, username: str) -> User:
    """The local user `username`, created if missing, with a Supabase id of its own: the token's
    `sub`, by which authentication finds this user as it finds any Supabase user."""
    user, created = User.objects.select_for_update().get_or_create(username=username)
    if created:
        user.set_unusable_password()
    if user.supabase_id is None:
        user.supabase_id = uuid.uuid4()
    user.save()
    return user


def dev_token_issue(
    *, user: User, lifetime: timedelta, email: str = "", roles: tuple[str, ...] = ()
) -> str:
    """A signed access token for `user`, with the claims Supabase Auth puts in one. `roles` go in
    app_metadata, the only place authorization reads them from (`staff` grants is_staff)."""
    if not dev_tokens_enabled():
        raise DevTokensDisabled("SUPABASE_DEV_TOKEN_KEY_FILE is not set in these settings.")
    now = int(time.time())
    claims = {
        "sub": str(user.supabase_id),
        "aud": AUDIENCE,
        "iss": issuer(),
        "iat": now,
        "exp": now + int(lifetime.total_seconds()),
        "email": email or user.email,
        "role": "authenticated",
        "app_metadata": {
            "provider": "development",
            "roles": sorted({*user.supabase_roles, *roles}),
        },
    }
    return jwt.encode(
        claims, dev_token_private_key(), algorithm=DEV_ALGORITHM, headers={"kid": DEV_KEY_ID}
    )
