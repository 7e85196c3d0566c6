"""An Authorization header the API does not accept is a 401, even next to a valid session
cookie (accounts/authorization_header.py): the request is never served as the session's user."""

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.refusals import accepts_bearer_tokens

pytestmark = pytest.mark.django_db

# The challenge names the header a bearer token goes in, or, with sessions only, the cookie.
BEARER_CHALLENGE = 'Bearer realm="api", error="invalid_request"'
CHALLENGE = BEARER_CHALLENGE if accepts_bearer_tokens() else 'Cookie realm="api"'
UNSUPPORTED = ["Basic dXNlcjpwYXNz", "Token abc", "random text", "Basic", "Digest x", ""]


@pytest.fixture
def anon_rate_of_one(settings: Settings) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anonymous": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("authorization", UNSUPPORTED)
def test_a_session_with_an_unsupported_authorization_header_is_refused(
    user: User, authorization: str
) -> None:
    response = signed_in(user).get(HARNESS_URL, HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert response.json()["code"] == "authorization_unsupported"
    assert response["WWW-Authenticate"] == CHALLENGE


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_write_with_a_session_and_an_unsupported_header_is_refused(
    user: User, method: str
) -> None:
    client = signed_in(user)
    csrf = {"HTTP_X_CSRFTOKEN": "any"}  # refused before CSRF is even looked at

    response = getattr(client, method)(HARNESS_URL, HTTP_AUTHORIZATION="Token abc", **csrf)

    assert response.status_code == 401


def test_the_session_alone_still_authenticates(user: User) -> None:
    assert signed_in(user).get(HARNESS_URL).status_code == 200


def test_an_anonymous_request_with_an_unsupported_header_is_refused_the_same_way() -> None:
    response = Client().get(HARNESS_URL, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    assert response.status_code == 401
    assert response.json()["code"] == "authorization_unsupported"


@pytest.mark.usefixtures("anon_rate_of_one")
def test_a_refusal_spends_the_failed_authentication_budget(user: User) -> None:
    client = signed_in(user)

    statuses = [client.get(HARNESS_URL, HTTP_AUTHORIZATION="Token abc").status_code for _ in "ab"]

    assert statuses == [401, 429]
