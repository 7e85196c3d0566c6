"""The API keeps its schema's contract for a client signed in with a Supabase access token
(test_contract.py: anonymous clients and sessions)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from {{ cookiecutter.project_slug }}.platform.core.tests.contract import contract_server, fuzz
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer
from {{ cookiecutter.project_slug }}.testing.supabase_auth_fixtures import stand_in_access_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supabase_access_token_keeps_the_contract(
    start_server: Callable[..., LiveServer],
    stand_ins_env: dict[str, str],
    supabase_stand_in: HTTPServer,
    tmp_path: Path,
) -> None:
    server = contract_server(start_server, stand_ins_env)
    token = stand_in_access_token(supabase_stand_in)
    fuzz(server, tmp_path, {"SupabaseAccessToken": {"bearer": token}})
