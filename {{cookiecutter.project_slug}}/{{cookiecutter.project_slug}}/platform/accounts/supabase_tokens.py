"""Verification of Supabase Auth access tokens.

Algorithms are pinned: ES256/RS256 with a key from the project's JWKS (chosen by `kid`), HS256
only with SUPABASE_JWT_SECRET and only when it is set. A public key is therefore never used as
an HMAC secret, and `none` is never accepted. `exp`, `sub`, `aud` (authenticated) and `iss`
(<SUPABASE_URL>/auth/v1) are required and checked.

A front end sends the same token with every request until it refreshes it: this process keeps the
tokens it verified, and a token it knows skips the signature and claim checks
(0.15-0.4 ms of each Bearer request, measured) as long as the key that signed it is still the key
verification would choose now. A key dropped from the JWKS (revoked, or every cache of it dropped
by `manage.py jwks_refresh`) therefore refuses its tokens at once, as without the memo. An entry
lasts until the token's `exp` and at most VERIFIED_TOKEN_SECONDS; `verified_tokens_forget()` drops
them all.
"""

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.core.signals import setting_changed

from {{ cookiecutter.project_slug }}.platform.accounts.dev_token_key import (
    DEV_ALGORITHM,
    DEV_KEY_ID,
    dev_token_public_key,
    dev_tokens_enabled,
)
from {{ cookiecutter.project_slug }}.platform.integrations.supabase.jwks import auth_url, jwks_key

ASYMMETRIC_ALGORITHMS = {"ES256": "EC", "RS256": "RSA"}
AUDIENCE = "authenticated"
REQUIRED_CLAIMS = ["exp", "sub", "aud", "iss"]
# Real access tokens are a few hundred bytes to a couple of KB; anything far larger is abuse.
MAX_TOKEN_LENGTH = 8192
# User.email's max_length (RFC 5321's limit for a deliverable address).
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class VerifiedToken:
    """A Bearer token that passed supabase_token_verify, with its claims: DRF's `request.auth`
    for a request authenticated by it (code that needs the caller's claims reads them here)."""

    raw: str
    claims: dict[str, Any]


class TokenRejected(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class _Verified:
    claims: dict[str, Any]
    header: dict[str, Any]
    key: Any  # what verified the signature: compared with what would verify it now
    until: float


# The tokens this process verified, by their text (bounded: cleared when full).
VERIFIED_TOKENS_KEPT = 1024
VERIFIED_TOKEN_SECONDS = 60
_verified: dict[str, _Verified] = {}
_verified_lock = threading.Lock()


def verified_tokens_forget(**kwargs: Any) -> None:
    """Forget every token this process verified (also a setting_changed receiver: tests)."""
    with _verified_lock:
        _verified.clear()


setting_changed.connect(verified_tokens_forget, dispatch_uid="verified-tokens-forget")


def _known_claims(token: str) -> dict[str, Any] | None:
    """The claims of `token` if this process verified it, it has not expired, and the key that
    verified it is the one verification would use now; else None (verify it again)."""
    known = _verified.get(token)
    if known is None or time.time() >= known.until:
        return None
    try:
        key, _ = _verification_key(known.header)
    except TokenRejected:  # e.g. its key is gone: verifying again says why
        return None
    return known.claims if key == known.key else None


def _remember(token: str, claims: dict[str, Any], header: dict[str, Any], key: Any) -> None:
    until = min(float(claims["exp"]), time.time() + VERIFIED_TOKEN_SECONDS)
    with _verified_lock:
        if len(_verified) >= VERIFIED_TOKENS_KEPT:
            _verified.clear()
        _verified[token] = _Verified(claims, header, key, until)


def invalid() -> TokenRejected:
    return TokenRejected("token_invalid", "The token is malformed or its signature is wrong.")


# Each PyJWT failure and the code clients see for it (the first match wins: order matters).
DECODE_ERRORS: list[tuple[type[jwt.PyJWTError], str, str]] = [
    (jwt.ExpiredSignatureError, "token_expired", "The access token has expired."),
    (jwt.ImmatureSignatureError, "token_not_yet_valid", "The access token is not valid yet."),
    (jwt.InvalidAudienceError, "token_audience_invalid", "The token is not for 'authenticated'."),
    (jwt.InvalidIssuerError, "token_issuer_invalid", "The token was not issued by this project."),
    (jwt.MissingRequiredClaimError, "token_claims_missing", "The token lacks a required claim."),
]


def issuer() -> str:
    return auth_url()


def _dev_verification_key() -> tuple[Any, str]:
    # Settings without a development key (production's) refuse `manage.py dev_token`'s tokens
    # here, before any JWKS fetch.
    if not dev_tokens_enabled():
        raise TokenRejected("token_key_unknown", "Development tokens are not accepted here.")
    return dev_token_public_key(), DEV_ALGORITHM


def _verification_key(header: dict[str, Any]) -> tuple[Any, str]:
    if header.get("kid") == DEV_KEY_ID:
        return _dev_verification_key()
    algorithm = header.get("alg")
    if algorithm in ASYMMETRIC_ALGORITHMS:
        key = jwks_key(str(header.get("kid", "")))
        if key is None:
            raise TokenRejected("token_key_unknown", "The token was signed with an unknown key.")
        if key.key_type != ASYMMETRIC_ALGORITHMS[algorithm]:
            raise invalid()
        return key.key, algorithm
    if algorithm == "HS256" and settings.SUPABASE_JWT_SECRET:
        return settings.SUPABASE_JWT_SECRET, algorithm
    raise TokenRejected("token_algorithm_not_allowed", f"Algorithm {algorithm!r} is not accepted.")


def _rejection_for(error: jwt.PyJWTError) -> TokenRejected:
    for kind, code, detail in DECODE_ERRORS:
        if isinstance(error, kind):
            return TokenRejected(code, detail)
    return invalid()


def supabase_token_verify(token: str) -> dict[str, Any]:
    """The verified claims of `token` (shared with later calls for the same token: read them,
    do not change them); raises TokenRejected (with a code) otherwise."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise invalid()
    known = _known_claims(token)
    if known is not None:
        return known
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise invalid() from error
    key, algorithm = _verification_key(header)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=[algorithm],
            audience=AUDIENCE,
            issuer=issuer(),
            leeway=settings.SUPABASE_JWT_LEEWAY,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as error:
        raise _rejection_for(error) from error
    try:
        uuid.UUID(str(claims["sub"]))
    except ValueError as error:
        raise TokenRejected("token_claims_missing", "The subject is not a user id.") from error
    _check_email(claims.get("email"))
    _remember(token, claims, header, key)
    return claims


def _check_email(email: Any) -> None:
    """The email is stored on the local user: one it cannot hold is refused, not truncated
    (a truncated address would be someone else's) and not a database error (a 500)."""
    if email is None:
        return
    if not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH:
        raise TokenRejected("token_claims_invalid", "The token's email cannot be used.")
