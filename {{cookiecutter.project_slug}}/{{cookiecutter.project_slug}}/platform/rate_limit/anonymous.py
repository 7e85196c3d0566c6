"""A budget per client IP for requests that prove no identity: no credentials, or bad ones.

DRF authenticates and checks permissions before it throttles, so a request without valid
credentials ends in 401 before any throttle runs: without this, a client could send anonymous
requests or guess tokens forever and never see a 429. Every such refusal (the DRF exception
handler's 401/403 for NotAuthenticated and AuthenticationFailed, the event stream's 401) spends one
unit of the "anonymous" rate (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anonymous"],
RATE_LIMIT_ANONYMOUS_RATE) of its client IP; once that is spent the answer is 429 instead.

Credentials are checked first and the budget only afterwards, when they failed: valid
credentials are never refused by it, however much anonymous traffic shares their address (a NAT,
an IPv6 /64). So an authentication class must keep a failed check cheap: then a refusal costs that
check and one round trip, as a request without credentials does.
"""

import warnings

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.settings import api_settings

from {{ cookiecutter.project_slug }}.platform.rate_limit.decorators import (
    throttled_response,
    unavailable_response,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import (
    RateLimitResult,
    RateLimitUnavailable,
    rate_limit_check,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.middleware import (
    remember_rate_limit_result,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate, parse_rate

ANONYMOUS_SCOPE = "anonymous"
# The scope's former name, still read from a settings module that sets only it.
OLD_ANONYMOUS_SCOPE = "anon"


def anonymous_rate() -> Rate | None:
    """The "anonymous" rate; None (no limit) only if a settings module removed it on purpose."""
    rates = api_settings.DEFAULT_THROTTLE_RATES
    if ANONYMOUS_SCOPE not in rates and OLD_ANONYMOUS_SCOPE in rates:
        warnings.warn(
            'DEFAULT_THROTTLE_RATES["anon"] is now called DEFAULT_THROTTLE_RATES["anonymous"]: '
            "rename it.",
            DeprecationWarning,
            stacklevel=2,
        )
        rates = {ANONYMOUS_SCOPE: rates[OLD_ANONYMOUS_SCOPE]}
    rate = rates.get(ANONYMOUS_SCOPE)
    return parse_rate(str(rate)) if rate else None


def anonymous_request_count(request: HttpRequest) -> RateLimitResult | None:
    """Spend one unit of the client IP's "anonymous" budget for a request refused as
    unauthenticated.

    None when there is no "anonymous" rate or the limiter failed open; raises RateLimitUnavailable
    when it fails closed.
    """
    ip, rate = client_ip(request), anonymous_rate()
    if rate is None:
        return None
    result = rate_limit_check(scope=ANONYMOUS_SCOPE, identity=ip, rate=rate)
    if result is not None:
        remember_rate_limit_result(request, result)
    return result


def anonymous_api_exception(
    exc: exceptions.APIException, request: HttpRequest
) -> exceptions.APIException:
    """For the DRF exception handler: `exc` (a 401/403 for missing or failed authentication)
    while the client IP's budget lasts, then Throttled (429)."""
    try:
        result = anonymous_request_count(request)
    except RateLimitUnavailable as unavailable:
        return unavailable
    if result is None or result.allowed:
        return exc
    return exceptions.Throttled(wait=result.retry_after)


def anonymous_refusal(request: HttpRequest) -> JsonResponse | None:
    """For views outside DRF that answer 401 themselves (the event stream): call it just before
    answering 401. Returns the 429 (or, failing closed, 503) to send instead, or None to send the
    401. Synchronous: wrap it in sync_to_async in an async view."""
    try:
        result = anonymous_request_count(request)
    except RateLimitUnavailable:
        return unavailable_response()
    if result is None or result.allowed:
        return None
    return throttled_response(retry_after=result.retry_after)
