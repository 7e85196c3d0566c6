"""Prometheus metrics at /metrics (docs/metrics.md), served by the platform's observability app.

On by default: recording a request costs a few microseconds. Off, neither the middleware nor the
URL is installed.
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from config.env import env

METRICS_ENABLED = env.bool("METRICS_ENABLED", default=True)
# Who may scrape /metrics, judged on the client address after the trusted proxies
# (core/client_address.py). Loopback only by default: a Prometheus elsewhere must be named.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
try:
    for _network in METRICS_ALLOWED_NETWORKS:
        ipaddress.ip_network(_network, strict=False)
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {error}") from error

# Outermost (base.py puts it first), so the latency it records covers every other middleware.
_MIDDLEWARE = "platform.observability.metrics_http.request_metrics_middleware"
METRICS_MIDDLEWARE = [f"{{ cookiecutter.project_slug }}.{_MIDDLEWARE}"] if METRICS_ENABLED else []

# base.py star-imports this module: only the settings above may leave it.
del ImproperlyConfigured, env, ipaddress, _MIDDLEWARE
