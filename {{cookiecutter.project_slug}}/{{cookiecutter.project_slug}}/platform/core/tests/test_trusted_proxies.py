"""Who the client is: X-Forwarded-* believed from TRUSTED_PROXIES only, by Django, gunicorn and
uvicorn alike. The attacks run against the production server command (gunicorn + uvicorn
workers, production settings), directly and through a trusted reverse proxy."""

import runpy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from config.proxies import trusted_proxies

from {{ cookiecutter.project_slug }}.platform.core.client_address import trusted_client_address
from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR
from {{ cookiecutter.project_slug }}.testing.proxy import ForwardingProxy, client_from
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer, ProductionServer

LOGIN_URL = "/api/auth/login/"
ADMIN_LOGIN_URL = "/admin/login/"
AUTH_RATE = 3  # per minute: RATE_LIMIT_AUTH_RATE of the servers below
ADMIN_LOGIN_RATE = 20  # per minute, config/urls.py


def request_from(remote: str, **headers: str) -> HttpRequest:
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    request.META.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return request


def forwarding_headers(request: HttpRequest) -> dict[str, str]:
    names = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
    return {name: request.META[name] for name in names if name in request.META}


@pytest.fixture(autouse=True)
def proxy_ssl_header(settings: Settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as in production


def test_from_an_untrusted_peer_every_forwarding_header_is_dropped() -> None:
    request = request_from(
        "203.0.113.7",
        x_forwarded_for="198.51.100.1",
        x_forwarded_proto="https",
        forwarded="for=198.51.100.2;proto=https",
        x_real_ip="198.51.100.3",
    )

    trusted_client_address(request)

    assert request.META["REMOTE_ADDR"] == "203.0.113.7"
    assert forwarding_headers(request) == {}
    assert not request.is_secure()


def test_from_a_trusted_proxy_the_rightmost_untrusted_entry_is_the_client(
    settings: Settings,
) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client forged the first two entries; 10.0.0.2 and 10.0.0.3 are the trusted hops.
    request = request_from(
        "10.0.0.3",
        x_forwarded_for="6.6.6.6, 10.0.0.9, 203.0.113.7, 10.0.0.2",
        x_forwarded_proto="https",
        x_real_ip="6.6.6.6",
    )

    trusted_client_address(request)

    assert request.META["REMOTE_ADDR"] == "203.0.113.7"
    assert request.is_secure()
    assert "HTTP_X_REAL_IP" not in request.META


def test_applying_the_rule_after_the_server_did_changes_nothing(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    request = request_from("10.0.0.2", x_forwarded_for="6.6.6.6, 203.0.113.7")

    trusted_client_address(request)  # what uvicorn did: REMOTE_ADDR is the client now
    trusted_client_address(request)  # what the middleware does after it

    assert request.META["REMOTE_ADDR"] == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        ("", "127.0.0.1"),  # the proxy's own request
        ("203.0.113.7:5555", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1, ::1", "127.0.0.1"),  # every hop trusted: the left-most (uvicorn's rule)
    ],
)
def test_forwarded_for_entries_are_read_as_uvicorn_reads_them(
    forwarded_for: str, client: str
) -> None:
    request = request_from("127.0.0.1", x_forwarded_for=forwarded_for)

    trusted_client_address(request)

    assert request.META["REMOTE_ADDR"] == client


@pytest.mark.parametrize(
    "unsafe",
    [
        "*",
        "0.0.0.0/0",
        "127.0.0.1,::/0",
        "proxy.internal",
        # Halves (or smaller pieces) that add up to every address trust everyone just the same.
        "0.0.0.0/1,128.0.0.0/1",
        "::/1,8000::/1",
        "0.0.0.0/2,64.0.0.0/2,128.0.0.0/1,::1",
    ],
)
def test_trusting_everyone_or_a_non_address_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, unsafe: str
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", unsafe)

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_proxies()


def test_trusted_proxies_set_in_python_are_checked(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.1", "*"]

    errors = [message.id for message in run_checks()]

    assert "{{ cookiecutter.project_slug }}.E011" in errors


def test_trusted_proxies_in_python_that_add_up_to_every_address_are_checked(
    settings: Settings,
) -> None:
    settings.TRUSTED_PROXIES = ["0.0.0.0/1", "128.0.0.0/1"]

    errors = [message.id for message in run_checks()]

    assert "{{ cookiecutter.project_slug }}.E011" in errors


def test_a_private_network_and_loopback_are_still_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,172.16.0.0/12,127.0.0.1,::1,fd00::/8")

    assert trusted_proxies() == ["10.0.0.0/8", "172.16.0.0/12", "127.0.0.1", "::1", "fd00::/8"]


@pytest.mark.system
def test_gunicorn_and_uvicorn_get_exactly_the_list_django_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.1.2.3, 172.29.250.0/24")

    gunicorn_config = runpy.run_path(str(PROJECT_DIR / "config" / "gunicorn.py"))
    # What `make run` and the development compose file pass to uvicorn.
    printed = subprocess.run(
        [sys.executable, "-m", "config.proxies"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert gunicorn_config["forwarded_allow_ips"] == "10.1.2.3,172.29.250.0/24"
    assert printed == "10.1.2.3,172.29.250.0/24"


@pytest.mark.system
def test_gunicorn_refuses_to_start_when_told_to_trust_everyone(tmp_path: Path) -> None:
    server = ProductionServer(tmp_path / "gunicorn.log", TRUSTED_PROXIES="*")

    result = subprocess.run(  # noqa: S603  (our own server command)
        server.command(),
        cwd=PROJECT_DIR,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr


# --- Against the production server command ---------------------------------------------------


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None
) -> Iterator[dict[str, LiveServer]]:
    """Two gunicorn servers for the module (each test's limits are cleared after it): with the
    production HTTPS redirect, and without it (to attack the limits over plain HTTP directly)."""
    logs = tmp_path_factory.mktemp("gunicorn")
    rate = {"RATE_LIMIT_AUTH_RATE": f"{AUTH_RATE}/min"}
    started: dict[str, LiveServer] = {
        "https": ProductionServer(logs / "https.log", **rate),
        "plain": ProductionServer(logs / "plain.log", DJANGO_SECURE_SSL_REDIRECT="False", **rate),
    }
    for server in started.values():
        server.start()
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture
def proxy(servers: dict[str, LiveServer]) -> Iterator[ForwardingProxy]:
    """A reverse proxy on 127.0.0.1 (trusted by default) in front of the HTTPS server."""
    proxy = ForwardingProxy(servers["https"]).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def attackers() -> Iterator[list[httpx.Client]]:
    """Two machines on the internet, 127.0.0.2 and 127.0.0.3: neither is a trusted proxy."""
    clients = [client_from("127.0.0.2"), client_from("127.0.0.3")]
    yield clients
    for client in clients:
        client.close()


def forgeries(count: int) -> Iterator[dict[str, str]]:
    """Headers that would each make a new client of every request if they were believed."""
    kinds = [
        lambda n: {"X-Forwarded-For": f"198.51.100.{n}"},
        # A made-up chain ending in trusted hops, as if proxies had appended to it.
        lambda n: {"X-Forwarded-For": f"198.51.100.{n}, 127.0.0.1, ::1"},
        lambda n: {"Forwarded": f"for=198.51.100.{n};proto=https"},
        lambda n: {"X-Real-IP": f"198.51.100.{n}"},
    ]
    for n in range(count):
        yield kinds[n % len(kinds)](n + 1)


def login_attempts(client: httpx.Client, base_url: str, headers: list[dict[str, str]]) -> list[int]:
    # Refused before any password is hashed (a blank password is invalid input), so the test
    # spends no CPU on hashing; the "auth" throttle runs before the input is read either way.
    credentials = {"username": "nobody", "password": ""}
    return [
        client.post(f"{base_url}{LOGIN_URL}", json=credentials, headers=forged).status_code
        for forged in headers
    ]


@pytest.mark.system
def test_a_direct_client_forging_forwarding_headers_stays_within_the_login_limit(
    servers: dict[str, LiveServer], attackers: list[httpx.Client]
) -> None:
    url = servers["plain"].url
    attacker, neighbour = attackers

    statuses = login_attempts(attacker, url, list(forgeries(AUTH_RATE + 4)))

    assert statuses == [400] * AUTH_RATE + [429] * 4
    assert login_attempts(neighbour, url, [{}]) == [400]  # counted by its own address


@pytest.mark.system
def test_behind_the_trusted_proxy_each_client_has_its_own_budget_and_forgeries_do_not_help(
    proxy: ForwardingProxy, attackers: list[httpx.Client]
) -> None:
    first, second = attackers

    # Turn by turn, so neither's budget could be the other's.
    turns = [
        tuple(login_attempts(client, proxy.url, [forged])[0] for client in (first, second))
        for forged in forgeries(AUTH_RATE + 2)
    ]

    assert turns == [(400, 400)] * AUTH_RATE + [(429, 429)] * 2


@pytest.mark.django_db(transaction=True)
def test_the_admin_login_limit_holds_against_forged_headers(
    start_server: Callable[..., LiveServer], attackers: list[httpx.Client]
) -> None:
    # Under uvicorn with test settings: the production settings' admin pages need collected
    # static files. uvicorn gets the same TRUSTED_PROXIES (--forwarded-allow-ips).
    server = start_server()
    proxy = ForwardingProxy(server).start()
    direct, proxied = attackers

    try:
        statuses = {
            name: [
                client.get(f"{base_url}{ADMIN_LOGIN_URL}", headers=forged).status_code
                for forged in forgeries(ADMIN_LOGIN_RATE + 2)
            ]
            for name, client, base_url in (
                ("direct", direct, server.url),
                ("through the proxy", proxied, proxy.url),
            )
        }
    finally:
        proxy.stop()

    expected = [200] * ADMIN_LOGIN_RATE + [429] * 2
    assert statuses == {"direct": expected, "through the proxy": expected}


@pytest.mark.system
def test_x_forwarded_proto_skips_the_https_redirect_only_from_the_trusted_proxy(
    servers: dict[str, LiveServer], proxy: ForwardingProxy, attackers: list[httpx.Client]
) -> None:
    attacker = attackers[0]
    spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}

    direct = attacker.get(f"{servers['https'].url}{LOGIN_URL}", headers=spoofed)
    proxied = attacker.get(f"{proxy.url}{LOGIN_URL}")

    assert direct.status_code == 301
    assert direct.headers["Location"].startswith("https://")
    assert proxied.status_code == 405  # served (login takes POST): the proxy said it was HTTPS
