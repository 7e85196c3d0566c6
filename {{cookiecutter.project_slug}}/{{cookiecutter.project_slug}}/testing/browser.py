"""A headless Chromium driven by Playwright (pytest plugin, loaded by the root conftest): `page`
is a fresh tab in a browser of the test's own, closed when the test ends; `serve_front_end`
serves it a page from another origin than the API's."""

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

from {{ cookiecutter.project_slug }}.testing.front_end import FrontEndServer

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# The browser only talks to the local server (http://127.0.0.1:<port>): no background traffic,
# and no host name resolves, so a page that needs the internet (a CDN) fails in its test.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if path is None:
        pytest.fail(
            "No Chromium: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH."
        )
    return path


@pytest.fixture
def page(chromium_path: str) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


@pytest.fixture
def serve_front_end() -> Iterator[Callable[[], FrontEndServer]]:
    """Serve a page at `/` on a port (an origin) of its own; stopped when the test ends."""
    servers: list[FrontEndServer] = []

    def serve() -> FrontEndServer:
        servers.append(FrontEndServer().start())
        return servers[-1]

    yield serve
    for server in servers:
        server.stop()
