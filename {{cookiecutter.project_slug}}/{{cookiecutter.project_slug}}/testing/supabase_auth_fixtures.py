"""The Supabase stand-in's Auth (the harness plugin loads this): it publishes the key that signs
the access tokens tests make with `stand_in_access_token`."""

import base64
import secrets
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from pytest_httpserver import HTTPServer

from {{ cookiecutter.project_slug }}.testing.fixtures import STAND_IN_ENV_FIXTURES
from {{ cookiecutter.project_slug }}.testing.supabase_fixtures import SUPABASE_STAND_IN_ROUTES
from {{ cookiecutter.project_slug }}.testing.tokens import supabase_claims

JWKS_PATH = "/auth/v1/.well-known/jwks.json"
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
SIGNING_KEY_ID = "stand-in"


def publish_signing_key(httpserver: HTTPServer) -> None:
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(SIGNING_KEY.public_key(), as_dict=True)
    jwk.update(alg="ES256", kid=SIGNING_KEY_ID, use="sig")
    httpserver.expect_request(JWKS_PATH).respond_with_json({"keys": [jwk]})


SUPABASE_STAND_IN_ROUTES.append(publish_signing_key)


def stand_in_access_token(stand_in: HTTPServer) -> str:
    """A new user's access token, as the stand-in's Auth would issue it."""
    claims = supabase_claims(project_url=stand_in.url_for("/").rstrip("/"))
    return jwt.encode(claims, SIGNING_KEY, algorithm="ES256", headers={"kid": SIGNING_KEY_ID})


# What Supabase Auth signs its hooks with (Standard Webhooks), shared with a live server: the
# webhook endpoint then checks signatures rather than answering 503 auth_hook_not_configured.
AUTH_HOOK_SECRET = "v1,whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def supabase_auth_hook_env() -> dict[str, str]:
    return {"SUPABASE_AUTH_HOOK_SECRET": AUTH_HOOK_SECRET}


STAND_IN_ENV_FIXTURES.append("supabase_auth_hook_env")
