"""Which networks a TRUSTED_PROXIES list names, refusing lists that would trust every peer.

Pure (no settings): config/proxies.py validates the environment's list with it, and
core/client_address.py matches each request's peer against the networks.
"""

import ipaddress
from collections.abc import Iterable

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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
