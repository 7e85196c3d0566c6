"""Which peers may say who the client is: TRUSTED_PROXIES, read here and nowhere else.

gunicorn (config/gunicorn.py), uvicorn (`make run`, the development compose file, the test
servers: `python -m config.proxies` prints the list) and Django (settings.TRUSTED_PROXIES, read by
core.proxies.TrustedProxyMiddleware) all take it from this module, so the server and the rate
limiter always agree on the client's address. A peer on this list may set X-Forwarded-For and
X-Forwarded-Proto; from any other peer both headers are ignored, because the client writes them.
"""

import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

from config.env import env, read_env_file

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Loopback only: a proxy on the same host. Anything else must be named (the production compose
# file names its bundled proxy).
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")


def trusted_networks(proxies: Iterable[str]) -> tuple[IPNetwork, ...]:
    """The networks `proxies` (addresses or CIDR networks) name. Raises ValueError for anything
    else, and for `*`, a /0 or networks that add up to one: trusting every peer lets any client
    pick its own address."""
    networks = []
    for proxy in proxies:
        text = proxy.strip()
        if text == "*":
            raise ValueError(
                "'*' would trust every peer, and every client could then choose the address "
                "its rate limits count against; list your proxies' addresses or networks."
            )
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError as error:
            raise ValueError(f"{text!r} is not an IP address or CIDR network.") from error
        if network.prefixlen == 0:
            raise ValueError(f"{text!r} trusts every address; list your proxies' networks.")
        networks.append(network)
    if _cover_every_address(networks):
        raise ValueError("these networks add up to every address; list your proxies' networks.")
    return tuple(networks)


def _cover_every_address(networks: list[IPNetwork]) -> bool:
    """Whether the networks together are all of IPv4 or all of IPv6 (`0.0.0.0/1,128.0.0.0/1`)."""
    v4 = [network for network in networks if isinstance(network, ipaddress.IPv4Network)]
    v6 = [network for network in networks if isinstance(network, ipaddress.IPv6Network)]
    prefixes = [network.prefixlen for network in ipaddress.collapse_addresses(v4)]
    prefixes += [network.prefixlen for network in ipaddress.collapse_addresses(v6)]
    return 0 in prefixes


def trusted_proxies() -> list[str]:
    """TRUSTED_PROXIES from the environment, validated: ImproperlyConfigured when it is unsafe."""
    default = list(DEFAULT_TRUSTED_PROXIES)
    proxies = [proxy.strip() for proxy in env.list("TRUSTED_PROXIES", default=default)]
    try:
        trusted_networks(proxies)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
    return proxies


if __name__ == "__main__":
    # For shell commands that start uvicorn: --forwarded-allow-ips "$(python -m config.proxies)".
    read_env_file()
    print(",".join(trusted_proxies()))
