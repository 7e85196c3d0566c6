"""DRF throttles on the atomic limiter. Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

from typing import TYPE_CHECKING, Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import user_or_ip
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import (
    RateLimitResult,
    rate_limit_check,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.middleware import (
    remember_rate_limit_result,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import parse_rate

if TYPE_CHECKING:  # rest_framework.views imports the throttle classes named in settings
    from rest_framework.views import APIView


class RedisRateThrottle(BaseThrottle):
    """Counts each request against its scope's rate, keyed by user id, else by client IP."""

    scope = "user"

    def __init__(self) -> None:
        self.result: RateLimitResult | None = None

    def get_scope(self, view: "APIView") -> str | None:
        return self.scope

    def allow_request(self, request: Request, view: "APIView") -> bool:
        scope = self.get_scope(view)
        if scope is None:
            return True
        rate = parse_rate(str(api_settings.DEFAULT_THROTTLE_RATES[scope]))
        # Failing closed, RateLimitUnavailable (a 503 APIException) propagates to DRF's handler.
        self.result = rate_limit_check(scope=scope, identity=user_or_ip(request), rate=rate)
        if self.result is None:  # failed open
            return True
        remember_rate_limit_result(request._request, self.result)
        return self.result.allowed

    def wait(self) -> float | None:
        return float(self.result.retry_after) if self.result else None


class RedisUserThrottle(RedisRateThrottle):
    """The default for every API view (DEFAULT_THROTTLE_CLASSES)."""

    scope = "user"


class RedisScopedThrottle(RedisRateThrottle):
    """Uses the view's `throttle_scope` (for example "auth" on login endpoints)."""

    def get_scope(self, view: "APIView") -> str | None:
        scope: Any = getattr(view, "throttle_scope", None)
        return str(scope) if scope else None
