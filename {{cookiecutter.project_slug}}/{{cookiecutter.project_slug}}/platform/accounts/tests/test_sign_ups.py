"""A first sign-in (a valid Supabase token of a user not seen before) creates a local user: each
client address has a budget of them. Against a live server, Supabase Auth's key set served by a
local HTTP server with a key made here."""

import uuid
from collections.abc import Callable

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from pytest_httpserver import HTTPServer

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer
from {{ cookiecutter.project_slug }}.testing.tokens import supabase_claims

# The server is another process: the test reads the users it committed.
pytestmark = pytest.mark.django_db(transaction=True)

KEY = ec.generate_private_key(ec.SECP256R1())
KID = "sign-ups-1"
# The live server believes X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), as from a proxy.
CROWD, ELSEWHERE = "198.51.100.31", "198.51.100.32"


@pytest.fixture
def supabase_url(httpserver: HTTPServer) -> str:
    """Supabase Auth's JWKS endpoint, publishing KEY."""
    jwk = ECAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
    keys = [{**jwk, "alg": "ES256", "kid": KID, "use": "sig"}]
    httpserver.expect_request("/auth/v1/.well-known/jwks.json").respond_with_json({"keys": keys})
    return httpserver.url_for("/").rstrip("/")


def access_token(project_url: str, sub: str) -> str:
    claims = supabase_claims(project_url=project_url, sub=sub)
    return jwt.encode(claims, KEY, algorithm="ES256", headers={"kid": KID})


def me(server: LiveServer, token: str, address: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}
    return httpx.get(f"{server.url}/api/me/", headers=headers, timeout=10)


def test_first_sign_ins_beyond_an_addresss_budget_are_429_and_create_no_user(
    start_server: Callable[..., LiveServer], supabase_url: str
) -> None:
    server = start_server(SUPABASE_URL=supabase_url, RATE_LIMIT_SIGN_UP_RATE="2/hour")
    subs = [str(uuid.uuid4()) for _ in range(3)]
    tokens = [access_token(supabase_url, sub) for sub in subs]

    responses = [me(server, token, CROWD) for token in tokens]

    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[2].json()["code"] == "sign_up_throttled"
    assert int(responses[2].headers["Retry-After"]) > 0
    created = set(User.objects.values_list("supabase_id", flat=True))
    assert created == {uuid.UUID(sub) for sub in subs[:2]}


def test_known_users_and_other_addresses_are_not_held_by_a_spent_sign_up_budget(
    start_server: Callable[..., LiveServer], supabase_url: str
) -> None:
    server = start_server(SUPABASE_URL=supabase_url, RATE_LIMIT_SIGN_UP_RATE="1/hour")
    known, refused = (access_token(supabase_url, str(uuid.uuid4())) for _ in range(2))
    assert me(server, known, CROWD).status_code == 200
    assert me(server, refused, CROWD).status_code == 429

    assert me(server, known, CROWD).status_code == 200
    assert me(server, refused, ELSEWHERE).status_code == 200
