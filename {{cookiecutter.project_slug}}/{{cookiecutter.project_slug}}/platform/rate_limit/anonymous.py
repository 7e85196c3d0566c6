"""A budget per client IP for requests that prove no identity: no credentials, or bad ones.

DRF authenticates and checks permissions before it throttles, so a request without valid
credentials ends in 401 before any throttle runs: without this, a client could send anonymous
requests or guess tokens forever and never see a 429. Every such refusal (the DRF exception
handler's 401/403 for NotAuthenticated and AuthenticationFailed, the event stream's 401) spends one
unit of the "anon" rate (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"], RATE_LIMIT_ANON_RATE)
of its client IP; once that is spent the answer is 429 instead.

Bearer tokens cost work to check (a signature, a key set, a user lookup), so token authentication
first peeks at the budget (one read-only round trip) and answers 429 at once when it is spent.
To keep that round trip off authenticated requests, only addresses whose authentication failed in
this process lately are peeked at: a process spends at most one full check per spent address.
"""

import threading
import time
from collections import OrderedDict

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.settings import api_settings

from {{ cookiecutter.project_slug }}.platform.rate_limit.decorators import throttled_response, unavailable_response
from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import (
    RateLimitResult,
    RateLimitUnavailable,
    rate_limit_check,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.middleware import remember_rate_limit_result
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate, parse_rate

ANONYMOUS_SCOPE = "anon"
# Addresses remembered per process; the oldest are forgotten first (a forgotten one costs one
# full token check before it is remembered again).
RECENT_FAILURES_MAX = 10_000


class _RecentFailures:
    """Client IPs whose authentication failed in this process, until their budget is whole again."""

    def __init__(self, size: int) -> None:
        self._until: OrderedDict[str, float] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def add(self, ip: str, seconds: float) -> None:
        with self._lock:
            self._until[ip] = time.monotonic() + seconds
            self._until.move_to_end(ip)
            while len(self._until) > self._size:
                self._until.popitem(last=False)

    def __contains__(self, ip: str) -> bool:
        with self._lock:
            until = self._until.get(ip)
        return until is not None and until > time.monotonic()


_recent_failures = _RecentFailures(RECENT_FAILURES_MAX)


def anonymous_rate() -> Rate | None:
    """The "anon" rate; None (no limit) only if a settings module removed it on purpose."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(ANONYMOUS_SCOPE)
    return parse_rate(str(rate)) if rate else None


def unauthenticated_request_count(request: HttpRequest) -> RateLimitResult | None:
    """Spend one unit of the client IP's "anon" budget for a request refused as unauthenticated.

    None when there is no "anon" rate or the limiter failed open; raises RateLimitUnavailable
    when it fails closed.
    """
    ip, rate = client_ip(request), anonymous_rate()
    if rate is None:
        return None
    result = rate_limit_check(policy=ANONYMOUS_SCOPE, identity=ip, rate=rate)
    if result is not None:
        remember_rate_limit_result(request, result)
        _recent_failures.add(ip, max(result.reset_after, 1))
    return result


def unauthenticated_budget_guard(request: HttpRequest) -> None:
    """Call before checking credentials: raises Throttled (429) when the client IP's "anon" budget
    is spent (a read-only peek, nothing is counted), RateLimitUnavailable (503) when the limiter
    fails closed. Free for addresses that have not failed authentication here lately."""
    ip, rate = client_ip(request), anonymous_rate()
    if rate is None or ip not in _recent_failures:
        return
    # Failing closed, the limiter raises RateLimitUnavailable: DRF answers it with a 503.
    result = rate_limit_check(policy=ANONYMOUS_SCOPE, identity=ip, rate=rate, peek=True)
    if result is not None and not result.allowed:
        remember_rate_limit_result(request, result)
        raise exceptions.Throttled(wait=result.retry_after)


def unauthenticated_api_exception(
    exc: exceptions.APIException, request: HttpRequest
) -> exceptions.APIException:
    """For the DRF exception handler: `exc` (a 401/403 for missing or failed authentication)
    while the client IP's budget lasts, then Throttled (429)."""
    try:
        result = unauthenticated_request_count(request)
    except RateLimitUnavailable as unavailable:
        return unavailable
    if result is None or result.allowed:
        return exc
    return exceptions.Throttled(wait=result.retry_after)


def unauthenticated_refusal(request: HttpRequest) -> JsonResponse | None:
    """For views outside DRF that answer 401 themselves (the event stream): call it just before
    answering 401. Returns the 429 (or, failing closed, 503) to send instead, or None to send the
    401. Synchronous: wrap it in sync_to_async in an async view."""
    try:
        result = unauthenticated_request_count(request)
    except RateLimitUnavailable:
        return unavailable_response()
    if result is None or result.allowed:
        return None
    return throttled_response(retry_after=result.retry_after)
