"""One error shape for the whole API: `{"detail": ..., "code": ...}` (+ `errors` per field)."""

from collections.abc import Callable
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from {{ cookiecutter.project_slug }}.platform.core.errors import error_body

UNAUTHENTICATED = (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)

# Given a refusal for missing or failed authentication and its request, the exception to answer
# instead (or the same one).
UnauthenticatedCallback = Callable[[exceptions.APIException, HttpRequest], exceptions.APIException]
unauthenticated_callbacks: list[UnauthenticatedCallback] = []


def on_unauthenticated(callback: UnauthenticatedCallback) -> None:
    """Have `callback` see every 401/403 for missing or failed authentication before it is
    answered (the rate limiter registers its budget for them from its AppConfig.ready())."""
    if callback not in unauthenticated_callbacks:
        unauthenticated_callbacks.append(callback)


def _after_unauthenticated(exc: exceptions.APIException, request: HttpRequest) -> Exception:
    for callback in unauthenticated_callbacks:
        exc = callback(exc, request)
    return exc


def as_api_exception(exc: Exception) -> Exception:
    """Services raise Django's exceptions; the API answers them like DRF's own."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def is_unauthenticated(exc: Exception) -> TypeGuard[exceptions.APIException]:
    # DRF's own, or one of ours that stays a 401 (accounts/authorization_header.py).
    return isinstance(exc, UNAUTHENTICATED) or (
        isinstance(exc, exceptions.APIException) and exc.status_code == 401
    )


def api_error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return {**error_body(detail="Invalid input.", code="invalid"), "errors": exc.detail}
    detail = exc.detail
    code = detail.code if isinstance(detail, exceptions.ErrorDetail) else exc.default_code
    return error_body(detail=str(detail), code=str(code))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = as_api_exception(exc)
    request = context.get("request")
    if request is not None and is_unauthenticated(exc):
        # DRF throttles only after authentication, so they never see these refusals: the
        # registered callbacks do (the rate limiter answers 429 once the client IP's budget is
        # spent).
        exc = _after_unauthenticated(exc, request._request)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # not an API error: Django's handler500 answers it
    response.data = api_error_body(exc)
    # An authentication class may say why a credential failed (RFC 6750's error="...").
    www_authenticate = getattr(exc, "www_authenticate", None)
    if www_authenticate:
        response["WWW-Authenticate"] = www_authenticate
    return response
