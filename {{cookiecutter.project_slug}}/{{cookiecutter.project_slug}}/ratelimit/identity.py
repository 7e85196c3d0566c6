"""Who a request counts as: its user, or the client's IP address."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# One IPv6 host usually owns a whole /64: limiting single addresses would let it rotate freely.
IPV6_PREFIX = 64


def _normalized(address: str) -> str | None:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if ip.version == 6:
        mapped = ip.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only through RATELIMIT_TRUSTED_PROXIES
    proxies, counted from the right (each proxy appends the address it received from).

    With no trusted proxy the header is ignored: anyone can send it. With N, the chain is the
    header plus REMOTE_ADDR, and the client is the address N places from its right end.
    """
    remote = _normalized(request.META.get("REMOTE_ADDR", "")) or "unknown"
    trusted = settings.RATELIMIT_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # Empty or malformed hops keep their place: dropping them would shift the count.
    chain = [*(header.split(",") if header else []), request.META.get("REMOTE_ADDR", "")]
    candidate = chain[max(len(chain) - 1 - trusted, 0)]
    return _normalized(candidate) or remote


def user_or_ip(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"
