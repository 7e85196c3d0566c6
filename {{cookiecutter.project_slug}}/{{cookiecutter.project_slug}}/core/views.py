"""JSON answers for errors Django itself raises outside DRF views (bad request, permission
denied, CSRF failure, unknown URL, crash): the API's `{"detail", "code"}` shape, never an HTML
page or a traceback. The detail is fixed text, not the exception's message (which can carry
internals, or what the client sent)."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    # SuspiciousOperation and its kin: a disallowed Host, too many form fields, a form body
    # over DATA_UPLOAD_MAX_MEMORY_SIZE (answered like the API's own body limit: 413).
    if isinstance(exception, RequestDataTooBig):
        return _error(413, "request_too_large", "The request body is too large.")
    return _error(400, "bad_request", "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return _error(403, "permission_denied", "You do not have permission to perform this action.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    # CSRF_FAILURE_VIEW: only plain Django views (the admin's forms) get here; DRF views are
    # csrf_exempt and SessionAuthentication answers its own 403 JSON.
    return _error(403, "csrf_failed", f"CSRF verification failed. {reason}".strip())


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return _error(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    return _error(500, "server_error", "Server error.")
