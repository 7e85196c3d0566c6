"""The request metrics middleware and the `/metrics` endpoint (docs/metrics.md).

Both are installed only with METRICS_ENABLED (components/metrics.py, config/urls.py).
"""

import ipaddress
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from {{ cookiecutter.project_slug }}.platform.observability.metrics import (
    http_request_duration,
    http_requests,
    metrics_registry,
)

GetResponse = Callable[[HttpRequest], Any]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Any other method is counted as "other": a client choosing methods must not add label values.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"


def request_route(request: HttpRequest) -> str:
    """The URL pattern that answered (`api/things/<int:pk>/`), never the path itself: one label
    value per pattern, however many ids clients send."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return UNMATCHED_ROUTE
    return str(match.route)


def record_request(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
    route = request_route(request)
    method = request.method if request.method in KNOWN_METHODS else "other"
    http_requests.labels(route, method, str(response.status_code)).inc()
    http_request_duration.labels(route, method).observe(time.perf_counter() - started)


@sync_and_async_middleware
def request_metrics_middleware(get_response: GetResponse) -> GetResponse:
    """First in MIDDLEWARE, so the latency covers every other layer. Sync and async alike."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            started = time.perf_counter()
            response: HttpResponseBase = await get_response(request)
            record_request(request, response, started)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response: HttpResponseBase = get_response(request)
        record_request(request, response, started)
        return response

    return middleware


@lru_cache(maxsize=8)
def _allowed_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def metrics_client_allowed(address: str) -> bool:
    """Whether `address` (REMOTE_ADDR, already resolved through the trusted proxies by the
    first middleware) is in METRICS_ALLOWED_NETWORKS."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    allowed = _allowed_networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    return any(ip in network for network in allowed)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Every metric in Prometheus's text format, for the scrapers in METRICS_ALLOWED_NETWORKS.
    Anyone else gets the project's 403 (handler403), so what runs inside is not public."""
    if not metrics_client_allowed(request.META.get("REMOTE_ADDR", "")):
        raise PermissionDenied("metrics are served to METRICS_ALLOWED_NETWORKS only")
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)
