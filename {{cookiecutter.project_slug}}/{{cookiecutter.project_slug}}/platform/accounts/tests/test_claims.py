"""CallerClaimsMixin: whose claims an API view's queries run under. The role is the
connection's own user here (any database has it), so only the claims are under test."""

import json
import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import Settings
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.claims import CallerClaimsMixin
from {{ cookiecutter.project_slug }}.platform.accounts.models import User

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Token:
    """What a Bearer request's `request.auth` carries: its verified claims."""

    claims: dict[str, Any]


class ClaimsSeenApi(CallerClaimsMixin, APIView):
    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('request.jwt.claims', true)")
            row = cursor.fetchone()
        assert row is not None
        return Response({"claims": json.loads(row[0]) if row[0] else None})


@pytest.fixture(autouse=True)
def _own_role(settings: Settings) -> None:
    settings.SUPABASE_RLS_ROLE = connection.settings_dict["USER"]


def call(user: Any, token: Any = None) -> Response:
    request = APIRequestFactory().get("/claims/")
    force_authenticate(request, user=user, token=token)  # the stubs expect DRF's Token
    response: Response = ClaimsSeenApi.as_view()(request)
    return response


def test_a_bearer_request_runs_under_its_tokens_claims(user: User) -> None:
    claims = {"sub": str(uuid.uuid4()), "role": "authenticated", "email": "ada@example.com"}

    response = call(user, Token(claims))

    assert response.data == {"claims": claims}


def test_a_session_user_with_a_supabase_id_runs_under_claims_built_from_it() -> None:
    supabase_id = uuid.uuid4()
    user = SimpleNamespace(pk=1, supabase_id=supabase_id, is_authenticated=True)

    response = call(user)

    assert response.data == {
        "claims": {"sub": str(supabase_id), "role": "authenticated", "aud": "authenticated"}
    }


def test_a_local_user_without_a_supabase_id_runs_without_claims(user: User) -> None:
    response = call(user)

    assert response.data == {"claims": None}


def test_a_service_role_token_is_refused_with_403(user: User) -> None:
    response = call(user, Token({"sub": str(uuid.uuid4()), "role": "service_role"}))

    assert response.status_code == 403
    assert response.data["code"] == "service_role_refused"
