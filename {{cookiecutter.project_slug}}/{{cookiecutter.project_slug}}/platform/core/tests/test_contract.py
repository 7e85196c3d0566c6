"""The API keeps the contract its schema states: schemathesis fuzzes every documented operation of
a live server, from the schema that server serves, with every check it has (`--checks all`):
anonymously, and signed in each way the project accepts. A failure prints schemathesis's report:
the request to replay (`curl`) and the check it broke.

`make contract` runs this module alone; CONTRACT_MAX_EXAMPLES and CONTRACT_SEED change how much
it tries and which inputs (README: The contract).
"""

import json
import os
{%- if cookiecutter.use_supabase_storage == "y" %}
import re
{%- endif %}
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
{%- if cookiecutter.use_supabase_auth == "y" %}
from typing import Any
{%- endif %}

{% if cookiecutter.use_supabase_auth == "y" -%}
import jwt
{% endif -%}
import pytest
{%- if cookiecutter.use_supabase_auth == "y" %}
from cryptography.hazmat.primitives.asymmetric import ec
{%- endif %}
from django.conf import settings
{%- if cookiecutter.use_supabase_auth == "y" %}
from jwt.algorithms import ECAlgorithm
{%- endif %}
{%- if cookiecutter.use_supabase_auth == "y" or cookiecutter.use_supabase_storage == "y" %}
from pytest_httpserver import HTTPServer
{%- endif %}

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
{%- if cookiecutter.use_supabase_auth == "y" %}
from {{ cookiecutter.project_slug }}.testing.tokens import supabase_claims
{%- endif %}

# The server is another process: it reads only committed rows (the users).
pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = os.environ.get("CONTRACT_MAX_EXAMPLES", "8")
FUZZ_SEED = os.environ.get("CONTRACT_SEED", "16")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Warnings that mean the run tested less than it claims: a pattern it cannot generate from, a
# schema it cannot resolve, responses it cannot read. Not among them: operations that mostly
# answered 404 (no summary computed yet), 429 (the login rate) or 401 (logins with unknown
# credentials; a body the schema allows and the API refuses fails positive_data_acceptance).
FAILING_WARNINGS = [
    "unsupported_regex",
    "unresolvable_reference",
    "missing_deserializer",
    "base_url_mismatch",
]
SIGNED_IN_FAILING_WARNINGS = ["missing_auth", "unused_openapi_auth"]
# The fuzzer sends hundreds of requests a second: at the usual rates all but the first few dozen
# would be 429s and the rest of the contract would go unchecked. The strict "auth" rate (logging
# in) stays as it is, so the run meets real 429s too, and checks them against the schema.
GENEROUS_RATES = {"RATE_LIMIT_USER_RATE": "100000/min", "RATE_LIMIT_ANONYMOUS_RATE": "100000/min"}
{%- if cookiecutter.use_supabase_auth == "y" %}
JWKS_PATH = "/auth/v1/.well-known/jwks.json"
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
{%- endif %}
{%- if cookiecutter.use_supabase_storage == "y" %}
UPLOAD = re.compile("/storage/v1/object/upload/sign/.+")
DOWNLOAD = re.compile("/storage/v1/object/sign/.+")
{%- endif %}


def fuzz(
    server: LiveServer,
    tmp_path: Path,
    auth: dict[str, dict[str, str]] | None = None,
    *options: str,
    signed_in_throughout: bool = True,
) -> None:
    """Run schemathesis against `server`. `auth` gives values to the schema's security schemes
    the run signs in with; schemathesis also checks that each is required."""
    config = tmp_path / "schemathesis.toml"
    # A signed-in run must really be signed in: credentials refused everywhere, or never used,
    # would leave every operation's signed-in contract unchecked.
    signed_in = auth and signed_in_throughout
    fail_on = [*FAILING_WARNINGS, *(SIGNED_IN_FAILING_WARNINGS if signed_in else ())]
    sections = [CONFIG.read_text(), "[warnings]", f"fail-on = {json.dumps(fail_on)}"]
    for scheme, values in (auth or {}).items():
        sections.append(f"[auth.openapi.{scheme}]")
        sections += [f'{name} = "{value}"' for name, value in values.items()]
    config.write_text("\n".join(sections) + "\n")
    schemathesis = str(Path(sys.executable).with_name("schemathesis"))
    command = [schemathesis, "--config-file", str(config), "run", f"{server.url}/api/schema/"]
    command += ["--checks", "all", "--seed", FUZZ_SEED, "--max-examples", MAX_EXAMPLES]
    command += ["--workers", "1", "--no-color", *options]
    result = subprocess.run(  # noqa: S603  (our own virtualenv's schemathesis)
        command, cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\nserver log:\n{server.log()}"


{%- if cookiecutter.use_supabase_auth == "y" or cookiecutter.use_supabase_storage == "y" %}


@pytest.fixture
def supabase(httpserver: HTTPServer) -> HTTPServer:
    """Supabase, as far as the API calls it: a real local HTTP server."""
{%- if cookiecutter.use_supabase_auth == "y" %}
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(SIGNING_KEY.public_key(), as_dict=True)
    jwk.update(alg="ES256", kid="contract", use="sig")
    httpserver.expect_request(JWKS_PATH).respond_with_json({"keys": [jwk]})
{%- endif %}
{%- if cookiecutter.use_supabase_storage == "y" %}
    # Storage signs any path it is asked for (the API has vetted it by then).
    upload = {"url": "/object/upload/sign/user-files/object?token=upload-token"}
    httpserver.expect_request(UPLOAD, method="POST").respond_with_json(upload)
    download = {"signedURL": "/object/sign/user-files/object?token=download-token"}
    httpserver.expect_request(DOWNLOAD, method="POST").respond_with_json(download)
{%- endif %}
    return httpserver


@pytest.fixture
def start_contract_server(
    start_server: Callable[..., LiveServer], supabase: HTTPServer
) -> Callable[[], LiveServer]:
    supabase_url = supabase.url_for("/").rstrip("/")
    return lambda: start_server(SUPABASE_URL=supabase_url, **GENEROUS_RATES)
{%- else %}


@pytest.fixture
def start_contract_server(start_server: Callable[..., LiveServer]) -> Callable[[], LiveServer]:
    return lambda: start_server(**GENEROUS_RATES)
{%- endif %}


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
{%- if cookiecutter.use_supabase_auth == "y" %}


def test_a_supabase_access_token_keeps_the_contract(
    start_contract_server: Callable[[], LiveServer], supabase: HTTPServer, tmp_path: Path
) -> None:
    server = start_contract_server()
    claims = supabase_claims(project_url=supabase.url_for("/").rstrip("/"))
    token = jwt.encode(claims, SIGNING_KEY, algorithm="ES256", headers={"kid": "contract"})
    fuzz(server, tmp_path, {"SupabaseAccessToken": {"bearer": token}})
{%- endif %}
