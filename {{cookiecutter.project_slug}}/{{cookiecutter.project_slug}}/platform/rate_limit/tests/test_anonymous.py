"""Requests that prove no identity (no credentials, or bad ones) have a budget per client IP."""

from collections.abc import Callable

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.platform.rate_limit.anonymous import anonymous_refusal
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.proxy import client_from
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer

ANON_RATE = 3


@pytest.fixture
def tight_anon_rate(settings: Settings) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anonymous": f"{ANON_RATE}/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def refused_as_unauthenticated(status: int) -> bool:
    # 401 with a Bearer challenge; 403 when only session authentication is configured.
    return status in (401, 403)


@pytest.mark.django_db
@pytest.mark.usefixtures("tight_anon_rate")
def test_anonymous_requests_get_429_once_the_ips_budget_is_spent() -> None:
    client = APIClient(REMOTE_ADDR="203.0.113.7")

    answers = [client.get(HARNESS_URL) for _ in range(ANON_RATE + 2)]

    assert all(refused_as_unauthenticated(a.status_code) for a in answers[:ANON_RATE])
    assert [a.status_code for a in answers[ANON_RATE:]] == [429, 429]
    refused = answers[-1]
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 1
    assert f'"anonymous";q={ANON_RATE};w=60' in refused["RateLimit-Policy"]
    other_ip = APIClient(REMOTE_ADDR="203.0.113.8").get(HARNESS_URL)
    assert refused_as_unauthenticated(other_ip.status_code)


@pytest.mark.usefixtures("tight_anon_rate")
def test_authenticated_requests_spend_nothing(api_client: APIClient) -> None:
    statuses = {api_client.get(HARNESS_URL).status_code for _ in range(ANON_RATE + 2)}

    assert statuses == {200}


@pytest.mark.usefixtures("tight_anon_rate")
def test_the_event_streams_401_can_spend_the_same_budget() -> None:
    request = RequestFactory().get("/api/events/stream/", REMOTE_ADDR="203.0.113.9")

    refusals = [anonymous_refusal(request) for _ in range(ANON_RATE + 1)]

    assert refusals[:ANON_RATE] == [None] * ANON_RATE
    refused = refusals[ANON_RATE]
    assert refused is not None
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db(transaction=True)
def test_a_live_server_limits_bad_and_missing_credentials_per_ip_not_other_users(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(RATE_LIMIT_ANONYMOUS_RATE=f"{ANON_RATE}/min")
    user: User = UserFactory.create()
    attacker = client_from("127.0.0.2")
    attempts = [
        {},  # no credentials
        {"Authorization": "Bearer forged.token.value"},
        {"Authorization": "Basic bm9ib2R5Omd1ZXNz"},
    ]

    statuses = [
        attacker.get(f"{server.url}{HARNESS_URL}", headers=attempts[n % len(attempts)]).status_code
        for n in range(ANON_RATE + 3)
    ]
    member = ApiSession()
    logged_in = member.login(server, user.username, PASSWORD)
    served = member.get(server, HARNESS_URL)
    attacker.close()
    member.close()

    assert all(refused_as_unauthenticated(status) for status in statuses[:ANON_RATE])
    assert statuses[ANON_RATE:] == [429] * 3
    assert logged_in.status_code == 200
    assert served.status_code == 200
