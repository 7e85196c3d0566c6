"""The /realtime/ page in a real headless Chromium: log in, then watch an event appear live."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import uuid4

import pytest
from django.db import connection, transaction
from playwright.sync_api import Page

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.core.events import domain_event
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer

pytestmark = pytest.mark.django_db(transaction=True)


def announce_and_close_connection(user: User, name: str, title: str) -> None:
    try:
        with transaction.atomic():
            domain_event(name=name, owner_id=user.pk, data={"title": title})
    finally:
        connection.close()


def test_the_page_shows_any_domain_event_of_its_user_as_it_happens(
    start_server: Callable[..., LiveServer], user: User, page: Page, tmp_path: Path
) -> None:
    server = start_server()

    page.goto(f"{server.url}/realtime/")
    login_form = page.locator("form#login")
    login_form.wait_for(state="visible", timeout=15_000)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button")
    page.wait_for_selector("text=Connected.", timeout=15_000)
    # What the user sees, not the DOM: a CSS rule once kept the `hidden` form on screen.
    assert not login_form.is_visible()

    # Playwright runs an event loop in this thread, where Django refuses the ORM: use another.
    with ThreadPoolExecutor(max_workers=1) as other_thread:
        # A name the page cannot know in advance: it shows whatever the stream carries.
        name = f"thing{uuid4().hex[:8]}.happened"
        other_thread.submit(announce_and_close_connection, user, name, "Seen live").result()

    event = page.wait_for_selector(f'li[data-event="{name}"]', timeout=15_000)
    assert event is not None
    assert "Seen live" in event.inner_text()
    page.screenshot(path=str(tmp_path / "realtime.png"))
    assert (tmp_path / "realtime.png").stat().st_size > 0
