import secrets
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework.settings import api_settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.signals import user_deactivated
from {{ cookiecutter.project_slug }}.platform.accounts.user_copies import (
    copies_enabled,
    copy_user,
    read_copy,
    verified_copy,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import rate_limit_check
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import parse_rate

STAFF_ROLE = "staff"
# A first sign-in whose `supabase-<sub>` username is already taken (someone created that name
# by hand) gets a random suffix instead; this many tries before giving up.
USERNAME_ATTEMPTS = 3


# The budget of first sign-ins (each creates a user) per client address:
# REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign_up"] (RATE_LIMIT_SIGN_UP_RATE).
SIGN_UP_SCOPE = "sign_up"


class UserSyncConflict(Exception):
    """No local user can be created for this Supabase user (its usernames are all taken)."""


class SignUpsThrottled(Exception):
    """The client address has created as many users as its budget allows for now."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"First sign-ins from this address are throttled for {retry_after} s.")
        self.retry_after = retry_after


def _roles(claims: dict[str, Any]) -> list[str]:
    # Only app_metadata: user_metadata is writable by the user through Supabase's own API.
    # Anything but {"roles": [<strings>]} grants nothing: a malformed claim must never 500
    # or grant a role by accident.
    app_metadata = claims.get("app_metadata")
    roles = app_metadata.get("roles") if isinstance(app_metadata, dict) else None
    if not isinstance(roles, list):
        return []
    return sorted({role for role in roles if isinstance(role, str)})


def _username_candidates(sub: str) -> list[str]:
    return [f"supabase-{sub}"] + [
        f"supabase-{sub}-{secrets.token_hex(4)}" for _ in range(USERNAME_ATTEMPTS - 1)
    ]


def _user_create(*, sub: str, fields: dict[str, Any]) -> User:
    for username in _username_candidates(sub):
        try:
            with transaction.atomic():
                return User.objects.create(supabase_id=sub, username=username, **fields)
        except IntegrityError:
            existing = User.objects.filter(supabase_id=sub).first()
            if existing is not None:  # a concurrent request created it first
                return existing
            # Otherwise the username belongs to another account: try the next one.
    raise UserSyncConflict(f"Every username tried for Supabase user {sub} is taken.")


def _sign_up_budget_spend(client_address: str) -> None:
    """Spend one first sign-in of the address's budget, or raise SignUpsThrottled. Anyone can
    mint Supabase accounts cheaply, and each first sign-in creates a local user: unbudgeted, one
    client could create thousands (each with its own per-user limits, such as event streams).
    Raises RateLimitUnavailable (503) when the limiter fails closed."""
    rate = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES[SIGN_UP_SCOPE]))
    result = rate_limit_check(scope=SIGN_UP_SCOPE, identity=client_address, rate=rate)
    if result is not None and not result.allowed:
        raise SignUpsThrottled(result.retry_after)


def token_holder(supabase_id: str) -> str:
    """What holds the copy of a token's user (user_copies.py): the token's subject."""
    return f"token:{supabase_id}"


def _wanted(claims: dict[str, Any]) -> dict[str, Any]:
    """The user's fields as the claims set them."""
    roles = _roles(claims)
    return {
        # supabase_token_verify (or the auth event's reader) checked its type and length.
        "email": claims.get("email") or "",
        "supabase_roles": roles,
        "is_staff": STAFF_ROLE in roles,
    }


def _changes(user: User, wanted: dict[str, Any]) -> dict[str, Any]:
    """The fields of `user` that differ from `wanted`, with their wanted values."""
    if (STAFF_ROLE in wanted["supabase_roles"]) == (STAFF_ROLE in user.supabase_roles):
        # Supabase changed nothing about staff: a local decision holds.
        wanted = {field: value for field, value in wanted.items() if field != "is_staff"}
    return {field: value for field, value in wanted.items() if getattr(user, field) != value}


def _user_sync_from_database(*, sub: str, wanted: dict[str, Any], client_address: str) -> User:
    user = User.objects.filter(supabase_id=sub).first()
    if user is None:
        _sign_up_budget_spend(client_address)
        return _user_create(sub=sub, fields=wanted)
    _user_change(user, _changes(user, wanted))
    return user


def _user_change(user: User, changes: dict[str, Any]) -> None:
    """Save `changes` to `user`, writing only those fields, and nothing when there are none."""
    if changes:
        for field, value in changes.items():
            setattr(user, field, value)
        user.save(update_fields=list(changes))


def user_sync_from_supabase(*, claims: dict[str, Any], client_address: str) -> User:
    """The local user of a verified Supabase token: created on first sight (within the budget of
    first sign-ins of `client_address`, else SignUpsThrottled), email and roles kept in sync.
    Writes only when something changed.

    Read from the signed copy of the user kept for the token's subject (user_copies.py) while the
    claims change nothing in it: a cached read sends no SQL. Saving or deleting the user drops
    the copy; a `QuerySet.update()` shows within SESSION_USER_CACHE_SECONDS.

    Supabase is the source of truth for who exists: deleting the local row does not lock
    anyone out (their next valid token creates it again, with a new id). To lock someone out,
    deactivate the local user (`is_active=False`: every API then answers 401 user_inactive)
    or delete/ban them in Supabase.

    Staff follows the latest decision: the `staff` role appearing in or leaving app_metadata
    (compared with the roles of the user's previous token) grants or revokes `is_staff`; while
    the role stays as it was, `is_staff` is left alone, so a grant or revocation made locally
    (the admin) holds until Supabase changes the role again.
    """
    # The canonical form, as the copy stores it (supabase_token_verify checked it is a UUID).
    sub = str(uuid.UUID(str(claims["sub"])))
    wanted, holder, enabled = _wanted(claims), token_holder(sub), copies_enabled()
    copied = verified_copy(read_copy(holder), attname="supabase_id", value=sub) if enabled else None
    if copied is not None and not _changes(copied, wanted):
        return copied
    user = _user_sync_from_database(sub=sub, wanted=wanted, client_address=client_address)
    copy_user(holder, user)
    return user


def user_sync_from_supabase_event(*, supabase_id: str, email: str, app_metadata: Any) -> User:
    """The local user of a Supabase user that Supabase Auth told us about (a signed auth event,
    accounts/auth_webhooks.py): created if new, email and roles kept in sync as
    user_sync_from_supabase keeps them from a token. No sign-up budget: Supabase itself sent it.
    Never reactivates: a deactivated user stays so (a deletion is final in Supabase, and a local
    deactivation is the project's decision)."""
    wanted = _wanted({"email": email, "app_metadata": app_metadata})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(supabase_id=supabase_id).first()
        if user is None:
            return _user_create(sub=supabase_id, fields=wanted)
        _user_change(user, _changes(user, wanted))
        return user


def user_deactivate_from_supabase(*, supabase_id: str) -> User | None:
    """Deactivate the local user of a Supabase user that was deleted; None if there is none.
    Saving the user drops its cached copies at once; `user_deactivated` (sent after the commit)
    lets the layers above end what they hold for it, such as open event streams. The row is kept:
    what the user owns stays for the project to decide about."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(supabase_id=supabase_id).first()
        if user is None or not user.is_active:
            return user
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_id = user.pk
        transaction.on_commit(
            lambda: user_deactivated.send(sender=User, user_id=user_id), robust=True
        )
    return user
