import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.ratelimit.identity import client_ip


def request_from(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_trusted_proxies_a_spoofed_header_is_ignored(settings: Settings) -> None:
    settings.RATELIMIT_TRUSTED_PROXIES = 0

    spoofed = client_ip(request_from("203.0.113.7", "198.51.100.1"))

    assert spoofed == "203.0.113.7"
    assert spoofed == client_ip(request_from("203.0.113.7"))


def test_with_one_trusted_proxy_the_rightmost_untrusted_address_is_the_client(
    settings: Settings,
) -> None:
    settings.RATELIMIT_TRUSTED_PROXIES = 1

    # The client forged the first entry; the proxy (10.0.0.2) appended the real one.
    ip = client_ip(request_from("10.0.0.2", "198.51.100.1, 203.0.113.7"))

    assert ip == "203.0.113.7"


def test_with_two_trusted_proxies_two_hops_are_skipped(settings: Settings) -> None:
    settings.RATELIMIT_TRUSTED_PROXIES = 2

    ip = client_ip(request_from("10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2"))

    assert ip == "203.0.113.7"


def test_a_trusted_proxy_without_the_header_leaves_remote_addr(settings: Settings) -> None:
    settings.RATELIMIT_TRUSTED_PROXIES = 1

    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize("garbage", ["not-an-ip", "", "1.2.3.4.5"])
def test_a_malformed_forwarded_address_falls_back_to_remote_addr(
    settings: Settings, garbage: str
) -> None:
    settings.RATELIMIT_TRUSTED_PROXIES = 1

    assert client_ip(request_from("10.0.0.2", f"1.1.1.1, {garbage}")) == "10.0.0.2"


def test_ipv6_clients_are_limited_per_64_network() -> None:
    first = client_ip(request_from("2001:db8:1:2::1"))
    second = client_ip(request_from("2001:db8:1:2:ffff::9"))

    assert first == second == "2001:db8:1:2::/64"
