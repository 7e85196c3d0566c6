"""The /realtime/ page in a real headless Chromium: log in, then watch a note appear live."""

import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, sync_playwright

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.core.tests.live_process import LiveServer
from {{ cookiecutter.project_slug }}.notes.services import note_create

pytestmark = pytest.mark.django_db(transaction=True)

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# The browser only talks to the local server: no background traffic on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def create_note_and_close_connection(user: User, title: str) -> None:
    try:
        note_create(owner=user, title=title)
    finally:
        connection.close()


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


def test_the_page_shows_a_note_created_through_the_api_as_it_happens(
    start_server: Callable[..., LiveServer], user: User, page: Page, tmp_path: Path
) -> None:
    server = start_server()

    page.goto(f"{server.url}/realtime/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button")
    page.wait_for_selector("text=Connected.", timeout=15_000)

    # Playwright runs an event loop in this thread, where Django refuses the ORM: use another.
    with ThreadPoolExecutor(max_workers=1) as other_thread:
        other_thread.submit(create_note_and_close_connection, user, "Seen live").result()

    event = page.wait_for_selector('li[data-event="note.created"]', timeout=15_000)
    assert event is not None
    assert "Seen live" in event.inner_text()
    page.screenshot(path=str(tmp_path / "realtime.png"))
    assert (tmp_path / "realtime.png").stat().st_size > 0
