"""The README's Bearer `fetch` example, run by a headless Chromium on a page served from another
origin than the live API's, with a token from `manage.py dev_token`."""

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.testing.front_end import FrontEndServer, front_end_page
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ada_token(db: None) -> tuple[User, str]:
    out = io.StringIO()
    call_command("dev_token", "ada", "--email", "ada@example.com", stdout=out)
    return User.objects.get(username="ada"), out.getvalue().strip()


# `ada_token` first: the ORM runs before Playwright's event loop, in whose thread Django refuses it.
def test_a_page_on_another_origin_calls_the_api_with_a_dev_token(
    ada_token: tuple[User, str],
    start_server: Callable[..., LiveServer],
    serve_front_end: Callable[[], FrontEndServer],
    page: Page,
) -> None:
    ada, token = ada_token
    origin = serve_front_end()
    # Bearer tokens need no credentialed CORS: the origin alone is allowed.
    api = start_server(CORS_ALLOWED_ORIGINS=origin.url)
    origin.html = front_end_page(api_origin=api.url)
    page.goto(origin.url)

    me = page.evaluate("(token) => callWithToken('GET', '/api/me/', token)", token)

    assert me["id"] == ada.pk
    assert me["supabase_id"] == str(ada.supabase_id)
    assert me["email"] == "ada@example.com"
