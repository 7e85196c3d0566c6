"""API views whose database work runs under the caller's claims (platform/core/claims_context.py),
so the tables' row-level security policies apply to it.

Whose claims: a Bearer request's are the verified token's (`request.auth.claims`). A session has
no token: its claims are built from the user's Supabase id, with role `authenticated`, as Supabase
would issue them. A user without a Supabase id (a local account, such as one made with
createsuperuser) has no claims: its requests run as before, guarded by the selectors alone.
"""

import functools
from collections.abc import Callable
from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.platform.core.claims_context import (
    ServiceRoleRefused,
    claims_context,
    refuse_service_role,
)

HANDLERS = ("get", "post", "put", "patch", "delete")
Handler = Callable[..., Response]


def request_claims(request: Request) -> dict[str, Any] | None:
    """The claims the request's database work runs under, or None for none."""
    claims = getattr(request.auth, "claims", None)
    if isinstance(claims, dict):
        return claims
    supabase_id = getattr(request.user, "supabase_id", None)
    if supabase_id is None:
        return None
    return {"sub": str(supabase_id), "role": "authenticated", "aud": "authenticated"}


def under_caller_claims(handler: Handler) -> Handler:
    """Run a view method under the request's claims (unchanged when it has none)."""

    @functools.wraps(handler)
    def run(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        claims = request_claims(request)
        if claims is None:
            return handler(view, request, *args, **kwargs)
        try:
            refuse_service_role(claims)
        except ServiceRoleRefused as refused:
            raise PermissionDenied(str(refused), code="service_role_refused") from refused
        with claims_context(claims):
            return handler(view, request, *args, **kwargs)

    return run


class CallerClaimsMixin:
    """Put it first in an APIView's bases: each of its HTTP methods runs under the caller's
    claims, in one transaction."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in HANDLERS:
            handler = cls.__dict__.get(name)
            if handler is not None:
                setattr(cls, name, under_caller_claims(handler))
