"""Who a request counts as: its user, or the client's IP address."""

import ipaddress

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
    """The client's address: REMOTE_ADDR, which core.client_address has already set from
    X-Forwarded-For when, and only when, the request came through a trusted proxy
    (settings.TRUSTED_PROXIES)."""
    return _normalized(request.META.get("REMOTE_ADDR", "")) or "unknown"


def user_or_ip(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"
