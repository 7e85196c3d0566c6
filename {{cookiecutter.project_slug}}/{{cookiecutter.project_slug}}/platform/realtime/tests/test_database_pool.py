"""The event stream's server takes its database connections from a pool (core/tests/test_database.py
has the other servers)."""

import pytest

from {{ cookiecutter.project_slug }}.platform.core.tests.test_database import (
    database_settings_loaded_by,
    gunicorn_env,
)


@pytest.mark.system
def test_the_event_stream_server_takes_connections_from_a_pool() -> None:
    # Under ASGI each request has a thread of its own: persistent connections would never be
    # reused, so the event stream's server command turns on psycopg's pool.
    env = gunicorn_env("gunicorn_events.py")

    assert database_settings_loaded_by("config.asgi", env) == ["True", "3", "0"]


def test_the_event_stream_server_leaves_the_pool_off_when_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_POOL", "False")

    assert gunicorn_env("gunicorn_events.py")["DATABASE_POOL"] == "False"
