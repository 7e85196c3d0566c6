"""The OpenAPI schema tells the whole truth: every operation lists the errors it can answer, in the
one error shape (core/errors.py), and every string field states what its serializer accepts.

The errors come from what the view is made of (its parsers, parameters, authentication classes,
permissions and throttles), so a new view is documented without a decorator per status; errors
only the view itself knows (a storage outage, a missing file) it names with `error_responses`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny

from {{ cookiecutter.project_slug }}.platform.core.parsers import RequestTooLarge
from {{ cookiecutter.project_slug }}.platform.core.serializers import InputSerializer


class ErrorSerializer(serializers.Serializer[dict[str, str]]):
    """Every error the API answers (core/errors.py)."""

    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs: stable, snake_case.")


class ValidationErrorSerializer(ErrorSerializer):
    """A 400: an invalid body or query (`invalid`, with `errors`), or a body that is not JSON
    (`parse_error`, without)."""

    # Named like Serializer.errors, which it does not hide: DRF's metaclass moves declared fields
    # off the class.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        required=False,
        help_text="With `invalid`: the messages for each field, by field name.",
    )


@dataclass(frozen=True)
class ApiError:
    status: int
    code: str
    detail: str

    @classmethod
    def of(cls, exception: type[exceptions.APIException]) -> "ApiError":
        return cls(exception.status_code, exception.default_code, str(exception.default_detail))


class ErrorResponses(OpenApiResponse):
    """Errors a view names in `extend_schema(responses=...)`, one status's worth."""

    def __init__(self, errors: list[ApiError]) -> None:
        super().__init__(response=ErrorSerializer)
        self.errors = errors


def error_responses(*raised: type[exceptions.APIException]) -> dict[int, ErrorResponses]:
    """`responses={200: Output, **error_responses(FileNotFound)}`: the errors a view raises
    itself, next to those the schema finds on its own."""
    by_status: dict[int, list[ApiError]] = defaultdict(list)
    for exception in raised:
        by_status[exception.status_code].append(ApiError.of(exception))
    return {status: ErrorResponses(errors) for status, errors in by_status.items()}


INVALID = ApiError(400, "invalid", "Invalid input: `errors` has the messages for each field.")
NOT_FOUND = ApiError(404, "not_found", "Not found.")
THROTTLED = ApiError(429, "throttled", "Too many requests: wait Retry-After seconds.")
RATE_LIMIT_UNAVAILABLE = ApiError(
    503,
    "rate_limit_unavailable",
    "Rate limits cannot be checked right now (only if the project fails closed).",
)
BODY_ERRORS = (
    ApiError(400, "parse_error", "The body is not valid JSON."),
    ApiError.of(RequestTooLarge),
    ApiError(415, "unsupported_media_type", "The body is not `application/json`."),
)
CSRF_FAILED = ApiError(
    403,
    "permission_denied",
    "CSRF Failed: a session's write must send the csrftoken cookie's value in X-CSRFToken.",
)
NOT_AUTHENTICATED = "not_authenticated"
NOT_AUTHENTICATED_DETAIL = "Authentication credentials were not provided."
# Sent with every 429 (rate_limit/throttles.py, rate_limit/anonymous.py); IETF httpapi fields.
RATE_LIMIT_HEADERS = {
    "Retry-After": ("integer", "Seconds to wait before trying again."),
    "RateLimit": ("string", 'Each policy\'s state: `"user";r=0;t=42` (remaining, reset in s).'),
    "RateLimit-Policy": ("string", 'The policies applied: `"user";q=600;w=60` (quota, window).'),
}


def authentication_errors(authenticator: Any) -> Iterable[ApiError]:
    """An authentication class of ours names what it raises in `api_errors`."""
    return (ApiError.of(error) for error in getattr(authenticator, "api_errors", ()))


class ApiAutoSchema(AutoSchema):
    """REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]."""

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        declared = self.get_response_serializers()
        # A status the view documents with a body of its own (health's 503 report) stays as is.
        own: set[str] = (
            {str(s) for s, r in declared.items() if not isinstance(r, ErrorResponses)}
            if isinstance(declared, dict)
            else set()
        )
        for status, errors in self._errors(operation).items():
            if str(status) not in own:
                operation["responses"][str(status)] = self._error_response(status, errors)
        return operation

    def _errors(self, operation: dict[str, Any]) -> dict[int, list[ApiError]]:
        found: list[ApiError] = [*self._declared_errors(), *self._input_errors(operation)]
        found += self._authentication_errors()
        if self.view.get_throttles() or self.view.get_authenticators():
            # Requests that fail authentication spend a per-IP budget too (rate_limit/anonymous).
            found += (THROTTLED, RATE_LIMIT_UNAVAILABLE)
        by_status: dict[int, list[ApiError]] = defaultdict(list)
        for error in found:
            if error not in by_status[error.status]:
                by_status[error.status].append(error)
        return dict(sorted(by_status.items()))

    def _declared_errors(self) -> list[ApiError]:
        declared = self.get_response_serializers()
        if not isinstance(declared, dict):
            return []
        return [e for r in declared.values() if isinstance(r, ErrorResponses) for e in r.errors]

    def _input_errors(self, operation: dict[str, Any]) -> list[ApiError]:
        parameters = operation.get("parameters", [])
        errors: list[ApiError] = []
        if "requestBody" in operation:
            errors += (INVALID, *BODY_ERRORS)
        if any(parameter["in"] == "query" for parameter in parameters):
            errors.append(INVALID)
        if any(parameter["in"] == "path" for parameter in parameters):
            errors.append(NOT_FOUND)  # nothing there, or a value the URL pattern does not match
        return errors

    def _authentication_errors(self) -> list[ApiError]:
        authenticators = self.view.get_authenticators()
        if not authenticators:
            return []
        errors = [error for a in authenticators for error in authentication_errors(a)]
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            # DRF answers 401 when the first class names a challenge (WWW-Authenticate), else 403.
            challenged = authenticators[0].authenticate_header(self.view.request) is not None
            status = 401 if challenged else 403
            errors.append(ApiError(status, NOT_AUTHENTICATED, NOT_AUTHENTICATED_DETAIL))
        if self.method not in SAFE_METHODS and any(
            isinstance(a, SessionAuthentication) for a in authenticators
        ):
            errors.append(CSRF_FAILED)
        return errors

    def _error_response(self, status: int, errors: list[ApiError]) -> dict[str, Any]:
        body = ValidationErrorSerializer if status == 400 else ErrorSerializer
        response: dict[str, Any] = {
            "description": "\n".join(f"- `{e.code}`: {e.detail}" for e in errors),
            "content": {
                "application/json": {"schema": self.resolve_serializer(body, "response").ref}
            },
        }
        if status == 429:
            response["headers"] = {
                name: {"schema": {"type": kind}, "description": text, "required": True}
                for name, (kind, text) in RATE_LIMIT_HEADERS.items()
            }
        return response

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(  # type: ignore[no-untyped-call]
            serializer, direction
        )
        if direction == "request":  # what is accepted; answers are whatever was stored
            # Stated either way: what the server does with members the schema does not list.
            schema["additionalProperties"] = not isinstance(serializer, InputSerializer)
            for name, field in serializer.fields.items():
                field_schema = schema["properties"].get(name)
                if field_schema is not None and is_plain_text(field, field_schema):
                    constrain_text(field, field_schema)
        return schema


def is_plain_text(field: Any, schema: dict[str, Any]) -> bool:
    """A CharField whose schema says no more than "a string" (not an email, a URL, a choice, a
    pattern of its own)."""
    plain = schema.get("type") == "string" and not {"format", "pattern", "enum"} & schema.keys()
    return plain and isinstance(field, serializers.CharField)


def constrain_text(field: serializers.CharField, schema: dict[str, Any]) -> None:
    """What DRF's CharField accepts, as JSON Schema: no NUL character anywhere (DRF refuses it),
    and, when it trims whitespace (the default), its length and blank rules apply to the trimmed
    text: a pattern states them exactly (minLength/maxLength would count the spaces)."""
    if not field.trim_whitespace:
        schema["pattern"] = r"^[^\x00]*$"
        if not field.allow_blank:
            schema["minLength"] = max(1, field.min_length or 0)
        return
    schema.pop("minLength", None)
    schema.pop("maxLength", None)
    shortest = 0 if field.allow_blank else max(1, field.min_length or 0)
    schema["pattern"] = trimmed_text_pattern(shortest, field.max_length)


# What str.strip(), and so DRF's trimming, removes: Python's whitespace, spelled out. `\s` means
# another set in each engine that reads a pattern: ECMA-262 (JSON Schema validators) leaves out
# \x1c-\x1f and \x85 and adds \ufeff; a fuzzer reading classes as ASCII (schemathesis) keeps six.
WHITESPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def trimmed_text_pattern(shortest: int, longest: int | None) -> str:
    """Text whose trimmed part is `shortest` to `longest` characters long, without NUL."""
    space, edge, inner = f"[{WHITESPACE}]", rf"[^\x00{WHITESPACE}]", r"[^\x00]"
    middle = f"{inner}*"
    if longest is not None:  # an {m,n} quantifier: the two edges count
        middle = inner + "{" + f"{max(shortest, 2) - 2},{longest - 2}" + "}"
    options = []
    if shortest <= 1 and (longest is None or longest >= 1):
        options.append(edge)
    if longest is None or longest >= 2:
        options.append(f"{edge}{middle}{edge}")
    trimmed = f"(?:{'|'.join(options)})"
    if shortest == 0:
        trimmed += "?"
    return f"^{space}*{trimmed}{space}*$"


class SessionWithCsrfScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """A session, as a client must send it: the session cookie, and for a write the CSRF token
    twice (its cookie, and its value in X-CSRFToken). Replaces drf-spectacular's cookie-only
    scheme, which documents writes that are refused."""

    target_class = SessionAuthentication
    name = ("cookieAuth", "csrfCookie", "csrfHeader")  # type: ignore[assignment]
    priority = 1

    def get_security_requirement(self, auto_schema: AutoSchema) -> dict[str, list[str]]:
        if auto_schema.method in SAFE_METHODS:
            return {"cookieAuth": []}
        return {"cookieAuth": [], "csrfCookie": [], "csrfHeader": []}

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict[str, str]]:
        return [
            {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME},
            {"type": "apiKey", "in": "cookie", "name": settings.CSRF_COOKIE_NAME},
            {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
        ]
