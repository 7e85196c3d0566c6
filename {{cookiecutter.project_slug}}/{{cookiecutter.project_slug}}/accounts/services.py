from typing import Any

from django.db import IntegrityError, transaction

from {{ cookiecutter.project_slug }}.accounts.models import User

STAFF_ROLE = "staff"


def _roles(claims: dict[str, Any]) -> list[str]:
    # Only app_metadata: user_metadata is writable by the user through Supabase's own API.
    roles = (claims.get("app_metadata") or {}).get("roles") or []
    return sorted({str(role) for role in roles}) if isinstance(roles, list) else []


def user_sync_from_supabase(*, claims: dict[str, Any]) -> User:
    """The local user of a verified Supabase token: created on first sight, email and roles
    kept in sync. Writes only when something changed."""
    wanted = {
        "email": str(claims.get("email") or ""),
        "supabase_roles": _roles(claims),
        "is_staff": STAFF_ROLE in _roles(claims),
    }
    user = User.objects.filter(supabase_id=claims["sub"]).first()
    if user is None:
        try:
            with transaction.atomic():
                return User.objects.create(
                    supabase_id=claims["sub"], username=f"supabase-{claims['sub']}", **wanted
                )
        except IntegrityError:  # a concurrent request created it first
            user = User.objects.get(supabase_id=claims["sub"])
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    if changed:
        for field in changed:
            setattr(user, field, wanted[field])
        user.save(update_fields=changed)
    return user
