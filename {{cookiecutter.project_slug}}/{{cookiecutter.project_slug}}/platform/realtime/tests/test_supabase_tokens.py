"""A deactivated user's valid Supabase access token gets no event stream (the other APIs:
accounts/tests/test_supabase_auth.py)."""

import pytest
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.test_supabase_auth import (  # noqa: F401  (supabase: a fixture)
    assert_rejected,
    call_me,
    claims,
    sign,
    supabase,
)

pytestmark = pytest.mark.django_db


def test_a_deactivated_user_gets_401_on_the_stream_token_api_despite_a_valid_token(
    supabase: HTTPServer,  # noqa: F811
) -> None:
    payload = claims(supabase)
    token = sign(payload)
    assert call_me(token).status_code == 200
    user = User.objects.get(supabase_id=payload["sub"])
    user.is_active = False
    user.save()

    response = APIClient().post("/api/events/token/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_rejected(response, "user_inactive")
