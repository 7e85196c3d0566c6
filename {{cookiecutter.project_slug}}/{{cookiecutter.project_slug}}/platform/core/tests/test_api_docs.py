"""The OpenAPI schema and docs page: public in development, staff-only unless a deployment asks."""

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory

DOCS_PATHS = ["/api/schema/", "/api/docs/"]
# Anonymous: 401 with a Bearer challenge, 403 when only session authentication is configured.
NOT_AUTHENTICATED = {{ '{401}' if cookiecutter.use_supabase_auth == "y" else '{403}' }}


@pytest.fixture
def docs_private(settings: Settings) -> None:
    settings.API_DOCS_PUBLIC = False


@pytest.mark.parametrize("path", DOCS_PATHS)
def test_docs_are_public_when_turned_on(anonymous_client: APIClient, path: str) -> None:
    assert anonymous_client.get(path).status_code == 200


@pytest.mark.parametrize("path", DOCS_PATHS)
def test_anonymous_clients_get_no_docs_by_default_in_production(
    docs_private: None, anonymous_client: APIClient, path: str, db: None
) -> None:
    assert anonymous_client.get(path).status_code in NOT_AUTHENTICATED


def test_the_private_schema_answers_the_api_error_shape(
    docs_private: None, anonymous_client: APIClient, db: None
) -> None:
    response = anonymous_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code in NOT_AUTHENTICATED
    assert response.json()["code"] == "not_authenticated"


def test_a_user_who_is_not_staff_gets_no_docs(docs_private: None, api_client: APIClient) -> None:
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("path", DOCS_PATHS)
def test_staff_read_the_docs_when_they_are_private(docs_private: None, path: str, db: None) -> None:
    client = APIClient()
    client.force_authenticate(user=UserFactory.create(is_staff=True))

    assert client.get(path).status_code == 200
