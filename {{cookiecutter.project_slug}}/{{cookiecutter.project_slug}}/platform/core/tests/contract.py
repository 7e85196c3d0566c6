"""Fuzzing a live server with schemathesis against the schema it serves: the contract tests'
runner (test_contract*.py; `make contract` runs them)."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from {{ cookiecutter.project_slug }}.testing.servers import LiveServer

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


def contract_server(
    start_server: Callable[..., LiveServer], stand_ins_env: dict[str, str]
) -> LiveServer:
    """The server under test, calling stand-ins of the outside services it uses."""
    return start_server(**stand_ins_env, **GENEROUS_RATES)
