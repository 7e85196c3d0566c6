"""The README's cookie-session `fetch` example, run by a headless Chromium on a page served from
another origin than the live API's: log in, then write with the CSRF token."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.front_end import FrontEndServer, front_end_page
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]

# The README's `call(method, path, body)`, run in the page.
CALL = "([method, path, body]) => call(method, path, body)"


@pytest.fixture
def front_end(
    start_server: Callable[..., LiveServer],
    serve_front_end: Callable[[], FrontEndServer],
    page: Page,
) -> Page:
    """The page, open on its own origin, with credentialed CORS on for that origin alone."""
    origin = serve_front_end()
    api = start_server(CORS_ALLOWED_ORIGINS=origin.url, CORS_ALLOW_CREDENTIALS="true")
    origin.html = front_end_page(api_origin=api.url)
    page.goto(origin.url)
    return page


# `user` first: the ORM runs before Playwright's event loop, in whose thread Django refuses it.
def test_a_page_on_another_origin_logs_in_and_writes_with_the_session_cookie(
    user: User, front_end: Page
) -> None:
    logged_in = front_end.evaluate(
        "([username, password]) => logIn(username, password)", [user.username, PASSWORD]
    )
    written = front_end.evaluate(CALL, ["POST", HARNESS_URL, {"name": "from the page"}])
    read = front_end.evaluate(CALL, ["GET", HARNESS_URL])

    assert logged_in["username"] == user.username
    assert written["name"] == "from the page"
    assert read["name"] == "from the page"


def test_a_write_without_the_csrf_token_is_refused(user: User, front_end: Page) -> None:
    front_end.evaluate(
        "([username, password]) => logIn(username, password)", [user.username, PASSWORD]
    )

    refused = front_end.evaluate(
        """([path, body]) => {
            csrfToken = "";
            return call("POST", path, body).catch((error) => error.message);
        }""",
        [HARNESS_URL, {"name": "forged"}],
    )
    read = front_end.evaluate(CALL, ["GET", HARNESS_URL])

    assert refused.startswith("403 ")
    assert read["name"] != "forged"
