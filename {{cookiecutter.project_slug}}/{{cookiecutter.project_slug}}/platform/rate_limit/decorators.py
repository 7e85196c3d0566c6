"""`@rate_limit(limit=5, period=60)` for plain Django views: one atomic check per request."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse

from {{ cookiecutter.project_slug }}.platform.core.errors import error_response
from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip, user_or_ip
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import (
    UNAVAILABLE,
    RateLimitUnavailable,
    rate_limit_check,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.middleware import (
    remember_rate_limit_result,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate

View = Callable[..., HttpResponse]
KeyFunction = Callable[[HttpRequest], str]
IDENTITIES: dict[str, KeyFunction] = {"ip": client_ip, "user": user_or_ip}
# The same words as DRF's throttled responses, so every 429 and 503 of the API reads alike.
THROTTLED = "Request was throttled. Expected available in {wait} seconds."


def _identity_function(key: Literal["ip", "user"] | KeyFunction) -> KeyFunction:
    if callable(key):
        return key
    if key not in IDENTITIES:
        raise ValueError(f"rate_limit key must be 'ip', 'user' or a callable, not {key!r}.")
    return IDENTITIES[key]


def throttled_response(*, retry_after: int) -> JsonResponse:
    """429 for views outside DRF, worded like DRF's own throttled responses."""
    return error_response(
        status=429,
        code="throttled",
        detail=THROTTLED.format(wait=retry_after),
        headers={"Retry-After": str(retry_after)},
    )


def unavailable_response() -> JsonResponse:
    """503 when the limiter cannot be asked and the project fails closed."""
    return error_response(
        status=503, code="rate_limit_unavailable", detail=UNAVAILABLE, headers={"Retry-After": "1"}
    )


def rate_limit(
    *,
    limit: int,
    period: int,
    key: Literal["ip", "user"] | KeyFunction = "ip",
    scope: str | None = None,
) -> Callable[[View], View]:
    """Allow `limit` requests per `period` seconds per key (client IP by default); answer the
    rest with 429, a JSON body and Retry-After."""
    rate = Rate(limit=limit, period=period)
    identify = _identity_function(key)

    def decorator(view: View) -> View:
        view_scope = scope or f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                result = rate_limit_check(scope=view_scope, identity=identify(request), rate=rate)
            except RateLimitUnavailable:
                return unavailable_response()
            if result is not None:
                remember_rate_limit_result(request, result)
                if not result.allowed:
                    return throttled_response(retry_after=result.retry_after)
            return view(request, *args, **kwargs)

        return limited

    return decorator
