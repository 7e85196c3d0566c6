"""The API keeps the contract its schema states: schemathesis fuzzes every documented operation of
a live server, from the schema that server serves, with every check it has (`--checks all`):
anonymously, and signed in each way the project accepts. A failure prints schemathesis's report:
the request to replay (`curl`) and the check it broke.

`make contract` runs the contract tests (test_contract*.py) alone; CONTRACT_MAX_EXAMPLES and
CONTRACT_SEED change how much it tries and which inputs (docs/api.md: The contract).
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.core.tests.contract import contract_server, fuzz
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer

# The server is another process: it reads only committed rows (the users).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def start_contract_server(
    start_server: Callable[..., LiveServer], stand_ins_env: dict[str, str]
) -> Callable[[], LiveServer]:
    return lambda: contract_server(start_server, stand_ins_env)


def session_auth(server: LiveServer, user: User) -> dict[str, dict[str, str]]:
    """A session's cookie and CSRF token, for the schema's session schemes (core/schema.py)."""
    session = ApiSession()
    assert session.login(server, user.username, PASSWORD).status_code == 200
    cookies = dict(session.http.cookies.items())
    session.close()
    csrf = {"api_key": cookies[settings.CSRF_COOKIE_NAME]}
    session_id = {"api_key": cookies[settings.SESSION_COOKIE_NAME]}
    return {"cookieAuth": session_id, "csrfCookie": csrf, "csrfHeader": csrf}


def test_anonymous_requests_keep_the_contract(
    start_contract_server: Callable[[], LiveServer], tmp_path: Path
) -> None:
    fuzz(start_contract_server(), tmp_path)


def test_a_session_keeps_the_contract(
    start_contract_server: Callable[[], LiveServer], user: User, tmp_path: Path
) -> None:
    server = start_contract_server()
    # Logging out would end the session the rest of the run signs in with: the next test gives
    # it a session of its own.
    logout = ["--exclude-path", "/api/auth/logout/"]
    fuzz(server, tmp_path, session_auth(server, user), *logout)


def test_logging_out_of_a_session_keeps_the_contract(
    start_contract_server: Callable[[], LiveServer], user: User, tmp_path: Path
) -> None:
    server = start_contract_server()
    logout = ["--include-path", "/api/auth/logout/"]
    # Its first success ends the session: the rest of the run is refused, as it should be.
    fuzz(server, tmp_path, session_auth(server, user), *logout, signed_in_throughout=False)
    assert '"POST /api/auth/logout/ HTTP/1.1" 204' in server.log_path.read_text()
