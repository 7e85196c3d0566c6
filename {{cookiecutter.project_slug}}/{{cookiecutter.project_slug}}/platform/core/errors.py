"""The API's one error shape, `{"detail": ..., "code": ...}`, for answers built outside DRF's
exception handler (plain Django views, the event stream, the rate-limit decorator)."""

from django.http import JsonResponse


def error_body(*, detail: str, code: str) -> dict[str, str]:
    return {"detail": detail, "code": code}


def error_response(
    *, status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(detail=detail, code=code), status=status, headers=headers)
