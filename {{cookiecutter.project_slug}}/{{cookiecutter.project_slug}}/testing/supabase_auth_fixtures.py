"""Supabase Auth for tests (the harness plugin loads this): the stand-in's Auth publishes the key
that signs the access tokens tests make with `stand_in_access_token`; `supabase` is a JWKS
endpoint of its own for the tests of access tokens (`claims`, `sign`, `call_me`)."""

import base64
import json
import secrets
import threading
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient
from werkzeug import Request, Response

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.testing.fixtures import STAND_IN_ENV_FIXTURES
from {{ cookiecutter.project_slug }}.testing.supabase_fixtures import SUPABASE_STAND_IN_ROUTES
from {{ cookiecutter.project_slug }}.testing.tokens import supabase_claims

JWKS_PATH = "/auth/v1/.well-known/jwks.json"
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
SIGNING_KEY_ID = "stand-in"


def public_jwk(private_key: Any, kid: str) -> dict[str, Any]:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        jwk: dict[str, Any] = ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        jwk["alg"] = "ES256"
    else:
        jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        jwk["alg"] = "RS256"
    return {**jwk, "kid": kid, "use": "sig"}


def publish_signing_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request(JWKS_PATH).respond_with_json(
        {"keys": [public_jwk(SIGNING_KEY, SIGNING_KEY_ID)]}
    )


SUPABASE_STAND_IN_ROUTES.append(publish_signing_key)


def stand_in_access_token(stand_in: HTTPServer) -> str:
    """A new user's access token, as the stand-in's Auth would issue it."""
    claims = supabase_claims(project_url=stand_in.url_for("/").rstrip("/"))
    return jwt.encode(claims, SIGNING_KEY, algorithm="ES256", headers={"kid": SIGNING_KEY_ID})


ME_URL = "/api/me/"
HS_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
# What the `supabase` fixture's JWKS publishes, as "ec-1" and "rsa-1".
EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def supabase(httpserver: HTTPServer, settings: Settings) -> HTTPServer:
    """Supabase Auth's JWKS endpoint, publishing the EC and the RSA key."""
    settings.SUPABASE_URL = httpserver.url_for("/").rstrip("/")
    settings.SUPABASE_JWT_SECRET = ""
    httpserver.expect_request(JWKS_PATH).respond_with_json(
        {"keys": [public_jwk(EC_KEY, "ec-1"), public_jwk(RSA_KEY, "rsa-1")]}
    )
    return httpserver


def claims(server: HTTPServer, **overrides: Any) -> dict[str, Any]:
    return supabase_claims(project_url=server.url_for("/").rstrip("/"), **overrides)


def sign(
    payload: dict[str, Any], algorithm: str = "ES256", kid: str = "ec-1", key: Any = None
) -> str:
    keys: dict[str, Any] = {"ES256": EC_KEY, "RS256": RSA_KEY, "HS256": HS_SECRET}
    return jwt.encode(payload, key or keys[algorithm], algorithm=algorithm, headers={"kid": kid})


def call_me(token: str) -> Any:
    return APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_rejected(response: Any, code: str) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["code"] == code
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def deactivated_user_token(supabase: HTTPServer) -> str:
    """A valid token of a user who signed in with it and was then deactivated."""
    payload = claims(supabase)
    token = sign(payload)
    assert call_me(token).status_code == 200
    user = User.objects.get(supabase_id=payload["sub"])
    user.is_active = False
    user.save()  # as the admin does (a QuerySet.update() shows within the copy's bound)
    return token


class RotatingJwks:
    """Supabase Auth's JWKS endpoint while the project's signing keys rotate: a key is added
    (standby), signs tokens (in use), stays listed (previously used), is removed (revoked).
    Counts the fetches it answers."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.keys: dict[str, ec.EllipticCurvePrivateKey] = {}  # a revoked key still signs
        self.listed: list[str] = []
        self.fetches = 0
        self._lock = threading.Lock()
        server.expect_request(JWKS_PATH).respond_with_handler(self._answer)

    @property
    def project_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def add(self, kid: str) -> None:
        self.keys[kid] = ec.generate_private_key(ec.SECP256R1())
        self.listed.append(kid)

    def revoke(self, kid: str) -> None:
        self.listed.remove(kid)

    def token(self, kid: str, key: ec.EllipticCurvePrivateKey | None = None) -> str:
        """A new user's access token signed by `kid` (or by `key` under that kid: a forgery)."""
        claims = supabase_claims(project_url=self.project_url)
        signing_key = key or self.keys[kid]
        return jwt.encode(claims, signing_key, algorithm="ES256", headers={"kid": kid})

    def _answer(self, request: Request) -> Response:
        with self._lock:
            self.fetches += 1
            keys = [public_jwk(self.keys[kid], kid) for kid in self.listed]
        return Response(json.dumps({"keys": keys}), content_type="application/json")


@pytest.fixture
def rotating_jwks(httpserver: HTTPServer, settings: Settings) -> RotatingJwks:
    """The project's JWKS, starting with one key in use ("key-1"), served by a real local HTTP
    server; SUPABASE_URL points at it."""
    settings.SUPABASE_URL = httpserver.url_for("/").rstrip("/")
    settings.SUPABASE_JWT_SECRET = ""
    endpoint = RotatingJwks(httpserver)
    endpoint.add("key-1")
    return endpoint


# What Supabase Auth signs its hooks with (Standard Webhooks), shared with a live server: the
# webhook endpoint then checks signatures rather than answering 503 auth_hook_not_configured.
AUTH_HOOK_SECRET = "v1,whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def supabase_auth_hook_env() -> dict[str, str]:
    return {"SUPABASE_AUTH_HOOK_SECRET": AUTH_HOOK_SECRET}


STAND_IN_ENV_FIXTURES.append("supabase_auth_hook_env")
