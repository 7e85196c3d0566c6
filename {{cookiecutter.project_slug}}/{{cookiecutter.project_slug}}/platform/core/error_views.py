"""JSON answers for errors Django itself raises outside DRF views (bad request, permission
denied, CSRF failure, unknown URL, crash): the API's `{"detail", "code"}` shape, never an HTML
page or a traceback. The detail is fixed text, not the exception's message (which can carry
internals, or what the client sent)."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from {{ cookiecutter.project_slug }}.platform.core.errors import error_response


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    # SuspiciousOperation and its kin: a disallowed Host, too many form fields, a form body
    # over DATA_UPLOAD_MAX_MEMORY_SIZE (answered like the API's own body limit: 413).
    if isinstance(exception, RequestDataTooBig):
        return error_response(
            status=413, code="request_too_large", detail="The request body is too large."
        )
    return error_response(status=400, code="bad_request", detail="Bad request.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(
        status=403,
        code="permission_denied",
        detail="You do not have permission to perform this action.",
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    # CSRF_FAILURE_VIEW: only plain Django views (the admin's forms) get here; DRF views are
    # csrf_exempt and SessionAuthentication answers its own 403 JSON.
    return error_response(
        status=403, code="csrf_failed", detail=f"CSRF verification failed. {reason}".strip()
    )


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return error_response(status=404, code="not_found", detail="Not found.")


@csrf_exempt  # it changes nothing: a POST without a CSRF token is a 404 like any other
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any method, any path under /api/ that no API matched (config/urls.py)."""
    return not_found(request, Http404())


def server_error(request: HttpRequest) -> JsonResponse:
    return error_response(status=500, code="server_error", detail="Server error.")
