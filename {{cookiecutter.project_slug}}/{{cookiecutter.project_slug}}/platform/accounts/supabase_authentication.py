"""`Authorization: Bearer <Supabase access token>` for DRF."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.services import (
    SignUpsThrottled,
    UserSyncConflict,
    user_sync_from_supabase,
)
from {{ cookiecutter.project_slug }}.platform.accounts.supabase_tokens import (
    TokenRejected,
    VerifiedToken,
    supabase_token_verify,
)
from {{ cookiecutter.project_slug }}.platform.integrations.supabase.jwks import JwksUnavailable
from {{ cookiecutter.project_slug }}.platform.rate_limit.identity import client_ip

REALM = 'Bearer realm="api"'


class InvalidToken(exceptions.AuthenticationFailed):
    """401 whose WWW-Authenticate says why (RFC 6750: error="invalid_token")."""

    www_authenticate = f'{REALM}, error="invalid_token"'


class AuthUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Access tokens cannot be verified right now; try again shortly."
    default_code = "auth_unavailable"


class AccountConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "No account can be set up for this user; contact support."
    default_code = "account_conflict"


class SupabaseTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"
    # What it answers besides a user, for the schema (core/schema.py).
    api_errors = (InvalidToken, AuthUnavailable, AccountConflict)

    def authenticate(self, request: Request) -> tuple[User, VerifiedToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # not ours: let the next authentication class try
        # Checked before the client IP's budget for failed authentication, which only a failure
        # spends (rate_limit/anonymous.py): anonymous traffic from the same address (a NAT) can
        # never turn a valid token away. A refused token stays cheap: a forged ES256 signature
        # costs about 0.2 ms (measured, with the key set's parsing), garbage 5 us, and forged key
        # ids refetch the JWKS at most once a minute; a peek at the budget first would cost a
        # Redis round trip (0.15 ms) and could not spare the check, as a valid token must pass.
        if len(parts) != 2:
            raise InvalidToken("Send 'Authorization: Bearer <token>'.", "token_invalid")
        try:
            token = parts[1].decode("ascii")
            claims = supabase_token_verify(token)
        except UnicodeDecodeError as error:
            raise InvalidToken("The access token is malformed.", "token_invalid") from error
        except TokenRejected as rejected:
            raise InvalidToken(rejected.detail, rejected.code) from rejected
        except JwksUnavailable as error:
            raise AuthUnavailable() from error
        try:
            address = client_ip(request._request)
            user = user_sync_from_supabase(claims=claims, client_address=address)
        except UserSyncConflict as error:
            raise AccountConflict() from error
        except SignUpsThrottled as error:
            raise exceptions.Throttled(wait=error.retry_after, code="sign_up_throttled") from error
        # Session logins already refuse inactive users (ModelBackend); a valid token must too.
        if not user.is_active:
            raise InvalidToken("This account is deactivated.", "user_inactive")
        return user, VerifiedToken(raw=token, claims=claims)

    def authenticate_header(self, request: Request) -> str:
        return REALM


class SupabaseTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the scheme in the OpenAPI schema (and the docs page's Authorize button)."""

    target_class = SupabaseTokenAuthentication
    name = "SupabaseAccessToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
