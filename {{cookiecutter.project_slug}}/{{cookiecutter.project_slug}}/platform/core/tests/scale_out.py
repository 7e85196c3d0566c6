"""Two servers of the project sharing one Redis and one Postgres, and a user signed in on them:
what the scale-out tests (test_scale_out*.py) start from."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer

USER_RATE = 6  # per minute, for every server together


def two_servers(start_server: Callable[..., LiveServer]) -> list[LiveServer]:
    return [start_server(RATE_LIMIT_USER_RATE=f"{USER_RATE}/min") for _ in range(2)]


@contextmanager
def signed_in_alice(server: LiveServer) -> Iterator[ApiSession]:
    UserFactory.create(username="alice")
    session = ApiSession()
    assert session.login(server, "alice", PASSWORD).status_code == 200
    yield session
    session.close()
