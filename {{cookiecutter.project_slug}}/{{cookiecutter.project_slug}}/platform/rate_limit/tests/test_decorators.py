import uuid

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from {{ cookiecutter.project_slug }}.platform.rate_limit.decorators import rate_limit


def ok_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_the_decorator_limits_per_client_ip() -> None:
    view = rate_limit(limit=2, period=60, scope=f"test-{uuid.uuid4().hex}")(ok_view)
    factory = RequestFactory()

    first_ip = [view(factory.get("/", REMOTE_ADDR="203.0.113.1")).status_code for _ in range(3)]
    other_ip = view(factory.get("/", REMOTE_ADDR="203.0.113.2")).status_code

    assert first_ip == [200, 200, 429]
    assert other_ip == 200


def test_a_callable_key_chooses_the_identity() -> None:
    def by_api_key(request: HttpRequest) -> str:
        return request.headers.get("X-Api-Key", "")

    view = rate_limit(limit=1, period=60, key=by_api_key, scope=f"test-{uuid.uuid4().hex}")(ok_view)
    factory = RequestFactory()

    assert view(factory.get("/", HTTP_X_API_KEY="a")).status_code == 200
    assert view(factory.get("/", HTTP_X_API_KEY="a")).status_code == 429
    assert view(factory.get("/", HTTP_X_API_KEY="b")).status_code == 200


def test_an_unknown_key_kind_is_refused_at_decoration_time() -> None:
    with pytest.raises(ValueError, match="'ip', 'user' or a callable"):
        rate_limit(limit=1, period=60, key="cookie")(ok_view)  # type: ignore[arg-type]
