"""A deactivated user's valid Supabase access token gets no event stream (the other APIs:
accounts/tests/test_supabase_auth.py)."""

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.testing.supabase_auth_fixtures import assert_rejected

pytestmark = pytest.mark.django_db


def test_a_deactivated_user_gets_401_on_the_stream_token_api_despite_a_valid_token(
    deactivated_user_token: str,
) -> None:
    response = APIClient().post(
        "/api/events/token/", HTTP_AUTHORIZATION=f"Bearer {deactivated_user_token}"
    )

    assert_rejected(response, "user_inactive")
