"""The docs page in a real headless Chromium that cannot reach the internet: Swagger UI's files
come from the project itself (drf-spectacular-sidecar), so the page works offline and loads no
script from a CDN onto the origin of the session cookie and the admin."""

from collections.abc import Callable

from playwright.sync_api import Page, Request

from {{ cookiecutter.project_slug }}.testing.servers import LiveServer


def test_the_docs_page_lists_the_operations_with_no_network(
    start_server: Callable[..., LiveServer], page: Page
) -> None:
    server = start_server()
    elsewhere: list[str] = []

    def record_foreign(request: Request) -> None:
        if not request.url.startswith(f"{server.url}/"):
            elsewhere.append(request.url)

    page.on("request", record_foreign)
    page.goto(f"{server.url}/api/docs/")

    health = page.wait_for_selector(
        '.opblock-summary-path[data-path="/api/health/"]', timeout=15_000
    )
    assert health is not None
    assert page.locator(".opblock").count() >= 3
    assert elsewhere == []
