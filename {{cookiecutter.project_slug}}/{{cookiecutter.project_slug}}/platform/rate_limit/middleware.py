"""Adds RateLimit-Policy / RateLimit headers to every response whose request was counted."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import (
    RateLimitResult,
    rate_limit_headers,
)

RESULTS_ATTRIBUTE = "rate_limit_results"


def remember_rate_limit_result(request: HttpRequest, result: RateLimitResult) -> None:
    results: list[RateLimitResult] = getattr(request, RESULTS_ATTRIBUTE, [])
    setattr(request, RESULTS_ATTRIBUTE, [*results, result])


def apply_rate_limit_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    for name, value in rate_limit_headers(getattr(request, RESULTS_ATTRIBUTE, [])).items():
        response[name] = value
    return response


class RateLimitHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return apply_rate_limit_headers(request, self.get_response(request))
