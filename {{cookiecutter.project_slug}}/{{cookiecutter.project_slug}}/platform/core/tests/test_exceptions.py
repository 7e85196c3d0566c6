from django.core.exceptions import PermissionDenied, ValidationError

from {{ cookiecutter.project_slug }}.platform.core.exception_handler import api_exception_handler


def test_a_service_validation_error_becomes_a_400_with_field_errors() -> None:
    response = api_exception_handler(ValidationError({"title": ["Too long."]}), {})

    assert response is not None
    assert response.status_code == 400
    assert response.data == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"title": ["Too long."]},
    }


def test_a_django_permission_error_becomes_a_403() -> None:
    response = api_exception_handler(PermissionDenied(), {})

    assert response is not None
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"


def test_an_unexpected_error_is_left_to_djangos_500_handler() -> None:
    assert api_exception_handler(RuntimeError("bug"), {}) is None
