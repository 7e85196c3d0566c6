"""The Supabase stand-in's Auth (the harness plugin loads this): it publishes the key that signs
the access tokens tests make with `stand_in_access_token`."""

import base64
import json
import secrets
import threading
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from pytest_django.fixtures import Settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from {{ cookiecutter.project_slug }}.testing.fixtures import STAND_IN_ENV_FIXTURES
from {{ cookiecutter.project_slug }}.testing.supabase_fixtures import SUPABASE_STAND_IN_ROUTES
from {{ cookiecutter.project_slug }}.testing.tokens import supabase_claims

JWKS_PATH = "/auth/v1/.well-known/jwks.json"
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
SIGNING_KEY_ID = "stand-in"


def public_es256_jwk(key: ec.EllipticCurvePrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update(alg="ES256", kid=kid, use="sig")
    return jwk


def publish_signing_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request(JWKS_PATH).respond_with_json(
        {"keys": [public_es256_jwk(SIGNING_KEY, SIGNING_KEY_ID)]}
    )


SUPABASE_STAND_IN_ROUTES.append(publish_signing_key)


def stand_in_access_token(stand_in: HTTPServer) -> str:
    """A new user's access token, as the stand-in's Auth would issue it."""
    claims = supabase_claims(project_url=stand_in.url_for("/").rstrip("/"))
    return jwt.encode(claims, SIGNING_KEY, algorithm="ES256", headers={"kid": SIGNING_KEY_ID})


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
            keys = [public_es256_jwk(self.keys[kid], kid) for kid in self.listed]
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
