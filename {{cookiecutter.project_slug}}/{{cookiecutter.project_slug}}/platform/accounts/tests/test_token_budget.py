"""Access tokens and their address's budget for failed authentication (rate_limit/anonymous.py):
a valid token is never refused by it, whatever anonymous traffic shares the address (a NAT, an
IPv6 /64); bad tokens spend it and are refused once it is spent, without a JWKS refetch storm."""

from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.proxy import client_from
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer
from {{ cookiecutter.project_slug }}.testing.tokens import supabase_claims

ANON_RATE = 3
JWKS_PATH = "/auth/v1/.well-known/jwks.json"
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
STRANGER_KEY = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def supabase(httpserver: HTTPServer) -> HTTPServer:
    """Supabase Auth's JWKS endpoint, publishing SIGNING_KEY as "budget"."""
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(SIGNING_KEY.public_key(), as_dict=True)
    jwk.update(alg="ES256", kid="budget", use="sig")
    httpserver.expect_request(JWKS_PATH).respond_with_json({"keys": [jwk]})
    return httpserver


def project_url(supabase: HTTPServer) -> str:
    return supabase.url_for("/").rstrip("/")


def bearer(supabase: HTTPServer, *, key: Any = SIGNING_KEY, kid: str = "budget") -> str:
    claims = supabase_claims(project_url=project_url(supabase))
    return f"Bearer {jwt.encode(claims, key, algorithm='ES256', headers={'kid': kid})}"


def failed_credentials(supabase: HTTPServer) -> list[dict[str, str]]:
    """What a client without a valid token sends: nothing, garbage, a forged signature under the
    project's key id, a forged key id (which could make the server refetch the JWKS)."""
    return [
        {},
        {"Authorization": "Bearer not.a.token"},
        {"Authorization": bearer(supabase, key=STRANGER_KEY)},
        {"Authorization": bearer(supabase, key=STRANGER_KEY, kid="forged")},
    ]


def jwks_fetches(supabase: HTTPServer) -> int:
    return sum(1 for entry, _ in supabase.log if entry.path == JWKS_PATH)


@pytest.mark.django_db
def test_a_valid_token_passes_where_the_address_budget_is_spent_and_bad_ones_get_429(
    supabase: HTTPServer, settings: Settings
) -> None:
    settings.SUPABASE_URL = project_url(supabase)
    settings.SUPABASE_JWT_SECRET = ""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anonymous": f"{ANON_RATE}/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    shared_address = APIClient(REMOTE_ADDR="203.0.113.7")

    spent = [shared_address.get(HARNESS_URL).status_code for _ in range(ANON_RATE + 1)]
    valid = [
        shared_address.get(HARNESS_URL, HTTP_AUTHORIZATION=bearer(supabase)).status_code
        for _ in range(3)
    ]
    forged = shared_address.get(HARNESS_URL, HTTP_AUTHORIZATION=bearer(supabase, key=STRANGER_KEY))

    assert spent == [401] * ANON_RATE + [429]
    assert valid == [200, 200, 200]
    assert forged.status_code == 429
    assert forged.json()["code"] == "throttled"


@pytest.mark.django_db(transaction=True)
def test_a_live_server_serves_valid_tokens_from_an_address_whose_anonymous_budget_is_spent(
    start_server: Callable[..., LiveServer], supabase: HTTPServer
) -> None:
    server = start_server(
        RATE_LIMIT_ANONYMOUS_RATE=f"{ANON_RATE}/min",
        SUPABASE_URL=project_url(supabase),
        SUPABASE_JWT_SECRET="",
    )
    # Two machines behind one NAT: an attacker and a user with a valid token, taking turns.
    attacker, member = client_from("127.0.0.2"), client_from("127.0.0.2")
    attempts = failed_credentials(supabase) * 3
    attacks: list[int] = []
    served: list[httpx.Response] = []
    for headers in attempts:
        attacks.append(attacker.get(f"{server.url}{HARNESS_URL}", headers=headers).status_code)
        served.append(
            member.get(f"{server.url}{HARNESS_URL}", headers={"Authorization": bearer(supabase)})
        )
    attacker.close()
    member.close()

    assert attacks == [401] * ANON_RATE + [429] * (len(attempts) - ANON_RATE)
    assert [response.status_code for response in served] == [200] * len(attempts), server.log()
    policies = [response.headers.get("RateLimit-Policy", "") for response in served]
    assert all("anonymous" not in policy for policy in policies)
    # Forged key ids, a dozen of them, refetched the key set once (the first fill, one refetch).
    assert jwks_fetches(supabase) <= 2
