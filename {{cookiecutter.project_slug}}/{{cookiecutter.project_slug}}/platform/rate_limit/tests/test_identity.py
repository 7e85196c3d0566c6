import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip


def request_from(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_the_client_is_remote_addr_whatever_x_forwarded_for_says() -> None:
    # Trusted proxies' X-Forwarded-For has been turned into REMOTE_ADDR before the limiter runs
    # (core.client_address); the header itself never names the client.
    spoofed = client_ip(request_from("203.0.113.7", "198.51.100.1"))

    assert spoofed == "203.0.113.7"
    assert spoofed == client_ip(request_from("203.0.113.7"))


@pytest.mark.parametrize("garbage", ["not-an-ip", ""])
def test_an_unreadable_remote_addr_counts_as_one_unknown_client(garbage: str) -> None:
    assert client_ip(request_from(garbage)) == "unknown"


def test_ipv4_mapped_ipv6_addresses_count_as_their_ipv4_address() -> None:
    assert client_ip(request_from("::ffff:203.0.113.7")) == "203.0.113.7"


def test_ipv6_clients_are_limited_per_64_network() -> None:
    first = client_ip(request_from("2001:db8:1:2::1"))
    second = client_ip(request_from("2001:db8:1:2:ffff::9"))

    assert first == second == "2001:db8:1:2::/64"
