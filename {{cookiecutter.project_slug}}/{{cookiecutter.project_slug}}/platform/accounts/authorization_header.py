"""An Authorization header the API does not accept is refused (401), never ignored.

Without this, a request with a valid session cookie and `Authorization: Basic ...` (or `Token
abc`, or any text) would be served as the session's user, while `Bearer <junk>` is refused: a
client that believes it sends one identity would act as another. So a header no class before this
one accepted is an error, whatever cookie comes with it. Requests without the header cost nothing.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
{% if cookiecutter.use_supabase_auth == "y" %}
# RFC 6750: the request carries a credential the API cannot use.
CHALLENGE = 'Bearer realm="api", error="invalid_request"'
ACCEPTED = "Send 'Authorization: Bearer <Supabase access token>', or no Authorization header."
{%- else %}
# No Authorization scheme is accepted: the session cookie is the only credential.
CHALLENGE = 'Cookie realm="api"'
ACCEPTED = "This API accepts no Authorization header: sign in for a session cookie instead."
{%- endif %}


class UnsupportedAuthorization(exceptions.APIException):
    # Not an AuthenticationFailed: DRF would turn that into a 403 when the first authentication
    # class names no challenge (session-only projects). The handler still counts it against the
    # client's budget for failed authentication (core/exception_handler.py).
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = ACCEPTED
    default_code = "authorization_unsupported"
    www_authenticate = CHALLENGE


class RefuseUnsupportedAuthorization(BaseAuthentication):
    """In DEFAULT_AUTHENTICATION_CLASSES after every class that reads the Authorization header
    (each returns None for a scheme not its own) and before SessionAuthentication."""

    api_errors = (UnsupportedAuthorization,)

    def authenticate(self, request: Request) -> None:
        if "HTTP_AUTHORIZATION" in request.META:
            raise UnsupportedAuthorization()
        return None


class RefuseUnsupportedAuthorizationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """No security scheme in the schema: refusing is no way to sign in."""

    target_class = RefuseUnsupportedAuthorization
    name: tuple[str, ...] = ()  # type: ignore[assignment]

    # None (drf-spectacular's own answer for "no requirement"), although its stubs leave it out.
    def get_security_requirement(self, auto_schema: Any) -> None:  # type: ignore[override]
        return None

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return []
