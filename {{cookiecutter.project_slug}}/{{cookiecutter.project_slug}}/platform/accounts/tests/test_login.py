"""Password login: a wrong password is a 401, and guessing at one account is limited however many
addresses guess, without locking its owner out (accounts/login.py)."""

import pytest
from django.core import signing
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.login import DEVICE_COOKIE, DEVICE_SALT
from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/auth/login/"
# The default rates: RATE_LIMIT_LOGIN_FAILURE_RATE (5/15m), RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE
# (20/hour).
PER_ADDRESS = 5
PER_ACCOUNT = 20


def attempt(client: APIClient, user: User, password: str) -> int:
    credentials = {"username": user.username, "password": password}
    status: int = client.post(LOGIN_URL, credentials, format="json").status_code
    return status


def from_address(number: int) -> APIClient:
    return APIClient(REMOTE_ADDR=f"198.51.100.{number}")


def test_a_wrong_password_is_a_401_with_a_challenge(user: User) -> None:
    response = APIClient().post(
        LOGIN_URL, {"username": user.username, "password": "wrong"}, format="json"
    )

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Invalid username or password.",
        "code": "invalid_credentials",
    }
    assert response["WWW-Authenticate"] == 'Cookie realm="api"'


def test_the_schema_documents_wrong_credentials_as_a_401() -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"][LOGIN_URL]["post"]["responses"]

    assert "`invalid_credentials`" in responses["401"]["description"]
    assert "invalid_credentials" not in responses["400"]["description"]
    assert "`throttled`" in responses["429"]["description"]


def test_guessing_from_many_addresses_stops_at_the_accounts_budget(user: User) -> None:
    guesses = [attempt(from_address(n), user, "wrong") for n in range(PER_ACCOUNT + 2)]
    # The right password from yet another address: refused before it is checked.
    right = from_address(PER_ACCOUNT + 2).post(
        LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    )

    assert guesses == [401] * PER_ACCOUNT + [429, 429]
    assert right.status_code == 429
    assert int(right["Retry-After"]) >= 1
    assert f'"login-account";q={PER_ACCOUNT};w=3600' in right["RateLimit-Policy"]


def test_guessing_from_one_address_does_not_slow_the_owner_at_another(user: User) -> None:
    attacker = from_address(1)

    guesses = [attempt(attacker, user, "wrong") for _ in range(PER_ADDRESS + 1)]

    assert guesses == [401] * PER_ADDRESS + [429]
    assert attempt(attacker, user, PASSWORD) == 429
    assert attempt(from_address(2), user, PASSWORD) == 200


def test_successful_logins_spend_nothing(user: User, settings: Settings) -> None:
    settings.RATE_LIMIT_LOGIN_FAILURE_RATE = "1/hour"
    settings.RATE_LIMIT_LOGIN_ACCOUNT_FAILURE_RATE = "1/hour"
    client = from_address(1)

    assert [attempt(client, user, PASSWORD) for _ in range(3)] == [200, 200, 200]
    assert attempt(client, user, "wrong") == 401


def test_the_owners_browser_signs_in_while_an_attack_has_spent_the_accounts_budget(
    user: User,
) -> None:
    owner = from_address(200)
    assert attempt(owner, user, PASSWORD) == 200  # leaves the known-device cookie
    cookie = owner.cookies[DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["path"] == LOGIN_URL

    guesses = [attempt(from_address(n), user, "wrong") for n in range(PER_ACCOUNT + 1)]

    assert guesses[-1] == 429
    assert attempt(owner, user, "typo") == 401  # counted on the owner's own device budget
    assert attempt(owner, user, PASSWORD) == 200


def test_a_device_cookie_of_another_account_or_forged_is_a_stranger(
    user: User, other_user: User
) -> None:
    for n in range(PER_ACCOUNT):
        attempt(from_address(n), user, "wrong")
    other_browser = from_address(201)
    assert attempt(other_browser, other_user, PASSWORD) == 200  # a device of other_user's
    forged = APIClient(REMOTE_ADDR="198.51.100.202")
    forged.cookies[DEVICE_COOKIE] = signing.dumps(
        {"account": user.username, "device": "mine"}, salt=DEVICE_SALT, key="not-the-secret-key"
    )

    assert attempt(other_browser, user, PASSWORD) == 429
    assert attempt(forged, user, PASSWORD) == 429
