"""The client's address and scheme, believed from trusted proxies only (settings.TRUSTED_PROXIES).

X-Forwarded-For and X-Forwarded-Proto are written by whoever sends the request. Only a proxy named
in TRUSTED_PROXIES (config/proxies.py, the list gunicorn and uvicorn use too) may set them: from
it, the client is the right-most X-Forwarded-For entry that is not itself a trusted proxy (each
proxy appends the address it received from, so entries left of that are the client's own
inventions). From any other peer the headers are removed, so neither the rate limiter
(REMOTE_ADDR) nor SECURE_PROXY_SSL_HEADER can be fooled. `Forwarded` and `X-Real-IP` are never
believed, from anyone, and are removed along with them.

uvicorn applies the same rule before Django sees the request (--forwarded-allow-ips, gunicorn's
forwarded_allow_ips), and applying it twice changes nothing: this middleware also covers servers
that do not (WSGI, runserver) and settings that drift from the server's flags.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

from {{ cookiecutter.project_slug }}.platform.core.check_ids import check_id
from {{ cookiecutter.project_slug }}.platform.core.proxy_networks import (
    IPNetwork,
    trusted_networks,
)

GetResponse = Callable[[HttpRequest], Any]

# Set by the client unless a trusted proxy overwrote them; dropped from every other peer.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return trusted_networks(proxies)


def _host(entry: str) -> str:
    """The address of one X-Forwarded-For entry, without a port (`[::1]:80`, `1.2.3.4:80`)."""
    entry = entry.strip()
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    if entry.count(":") == 1:
        return entry.split(":", 1)[0]
    return entry


def is_trusted(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def forwarded_client(forwarded_for: str, networks: tuple[IPNetwork, ...]) -> str:
    """The right-most entry that is not a trusted proxy; the left-most if all of them are
    (the request came from a trusted host itself). uvicorn's rule, so the two agree."""
    hosts = [_host(entry) for entry in forwarded_for.split(",")]
    for host in reversed(hosts):
        if not is_trusted(host, networks):
            return host
    return hosts[0]


def trusted_client_address(request: HttpRequest) -> None:
    """Rewrite request.META to what the trusted proxies say, or strip what untrusted peers said."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    meta = request.META
    if is_trusted(meta.get("REMOTE_ADDR", ""), networks):
        client = forwarded_client(meta.get("HTTP_X_FORWARDED_FOR", ""), networks)
        if client:  # an empty header names nobody: the proxy itself is the client
            meta["REMOTE_ADDR"] = client
        for name in ("HTTP_FORWARDED", "HTTP_X_REAL_IP"):
            meta.pop(name, None)
        return
    for name in FORWARDING_HEADERS:
        meta.pop(name, None)


@sync_and_async_middleware
def trusted_proxy_middleware(get_response: GetResponse) -> GetResponse:
    """First in MIDDLEWARE: everything after it sees the real client (REMOTE_ADDR, is_secure()).
    Sync and async alike, so it adds no thread switch to either kind of view."""
    if iscoroutinefunction(get_response):

        async def async_middleware(request: HttpRequest) -> HttpResponseBase:
            trusted_client_address(request)
            response: HttpResponseBase = await get_response(request)
            return response

        return async_middleware

    def middleware(request: HttpRequest) -> HttpResponseBase:
        trusted_client_address(request)
        response: HttpResponseBase = get_response(request)
        return response

    return middleware


@register(Tags.security)
def check_trusted_proxies(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """TRUSTED_PROXIES set in Python (the environment is validated when it is read)."""
    try:
        trusted_networks(list(settings.TRUSTED_PROXIES))
    except (TypeError, ValueError) as error:
        return [
            Error(
                f"TRUSTED_PROXIES is unsafe or malformed: {error}",
                hint=(
                    "List the IP addresses or CIDR networks of the reverse proxies in front of "
                    "the app (default: 127.0.0.1,::1). Never '*': clients write X-Forwarded-For."
                ),
                id=check_id("E011"),
            )
        ]
    return []
