"""A headless Chromium driven by Playwright (pytest plugin, loaded by the root conftest): `page`
is a fresh tab in a browser of the test's own, closed when the test ends."""

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# The browser only talks to the local server: no background traffic on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
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
