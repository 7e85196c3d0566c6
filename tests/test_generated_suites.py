"""The generated projects' own suites pass: installed as a user would (`make install`),
linted, type-checked, their docs built (`make docs`, warnings as errors) and tested against the
machine's real Postgres and Redis."""

import os
import re
import shlex
import signal
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.bakery import (
    ALL_VARIANTS,
    DEFAULT,
    MINIMAL,
    POSTGRES,
    REDIS_URL,
    Variant,
    database_url,
    ok,
    option_defaults,
    run,
)
from tests.live import free_port, healthy, http, supabase_token, wait_until


def session_backend(variant: Variant) -> str:
    return {**option_defaults(), **variant.answers}["session_backend"]


# The default and minimal projects (minimal has no example app), the default without the example
# app, plus a bake for each session backend they leave untested. The default and minimal suites
# run in their generated CI workflow (tests/test_ci_workflow.py), the others here.
SUITE_VARIANTS = [DEFAULT, MINIMAL]
SUITE_VARIANTS += [variant for variant in ALL_VARIANTS if variant.name == "include_example=n"]
SUITE_VARIANTS += [
    variant
    for variant in ALL_VARIANTS
    if variant.name.startswith("session_backend=")
    and session_backend(variant) not in {session_backend(known) for known in SUITE_VARIANTS}
]


# What a user pastes into the baked .env.production in place of its placeholders.
FILLED_IN_PRODUCTION = {
    "DATABASE_URL": "postgres://postgres:pw@db.abcdefghijklmnop.supabase.co:5432/postgres?sslmode=require",
    "SUPABASE_URL": "https://abcdefghijklmnop.supabase.co",
    "SUPABASE_SECRET_KEY": "sb_secret_0123456789abcdefghijklmnop",
}


# The default bake's tests run on one xdist worker, so they share its bake and its `make install`.
DEFAULT_BAKE = pytest.mark.xdist_group("default-bake")


def params(variants: list[Variant]) -> list[Any]:
    return [
        pytest.param(variant, id=variant.name, marks=[DEFAULT_BAKE] if variant == DEFAULT else [])
        for variant in variants
    ]


# What each of these bakes runs beyond its fast tier: the system tests of the packages its answer
# changes (paths under the project's package), and the API contract when it changes the API. The
# default and minimal bakes run their whole system tier in their CI workflow; repeating it here on
# a bake that differs in one answer cost a third of the template's CI time and tested the same code.
BEYOND_THE_FAST_TIER: dict[str, tuple[list[str], bool]] = {
    # Without the example the API has no notes: the contract is fuzzed on what is left.
    "include_example=n": ([], True),
    # Sessions, their outage fallback, and the event stream's session authentication.
    "session_backend=redis_with_db_fallback": (["platform/accounts", "platform/realtime"], False),
}


def test_every_suite_variant_says_what_it_runs_beyond_its_fast_tier() -> None:
    others = {v.name for v in SUITE_VARIANTS if v not in (DEFAULT, MINIMAL)}
    assert others == set(BEYOND_THE_FAST_TIER)


@pytest.mark.slow
@pytest.mark.parametrize(
    "variant", params([v for v in SUITE_VARIANTS if v not in (DEFAULT, MINIMAL)])
)
def test_generated_project_installs_and_passes_its_own_checks(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    env = {"DATABASE_URL": database_url(variant), "REDIS_DURABLE_URL": REDIS_URL}
    system_paths, contract = BEYOND_THE_FAST_TIER[variant.name]

    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "lint"], cwd=project))
    ok(run(["make", "typecheck"], cwd=project))
    ok(run(["make", "docs"], cwd=project))
    # Bounds are hang guards, not speed goals: these share two cores with the other bakes.
    outputs = [ok(run(["make", "test-fast"], cwd=project, env=env, timeout=1500))]
    if system_paths:
        paths = [f"{project.name}/{path}" for path in system_paths]
        system = [".venv/bin/pytest", "-m", "system", *paths]
        outputs.append(ok(run(system, cwd=project, env=env, timeout=1500)))
    if contract:
        outputs.append(ok(run(["make", "contract"], cwd=project, env=env, timeout=1500)))

    for output in outputs:
        assert " passed" in output
        assert " failed" not in output
        assert "skipped" not in output


@pytest.mark.slow
@pytest.mark.parametrize("variant", params(SUITE_VARIANTS))
def test_check_deploy_refuses_the_placeholders_and_passes_filled_in(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    ok(run(["make", "install"], cwd=project))

    unfilled = run(["make", "check-deploy"], cwd=project)
    assert unfilled.returncode != 0, "check --deploy passed the baked placeholders"
    assert ".E020" in unfilled.stderr, unfilled.stderr
    ok(run(["make", "check-deploy"], cwd=project, env=FILLED_IN_PRODUCTION))


# The random streams `make contract-long` runs one after the other (the Makefile's CONTRACT_SEEDS):
# here each on its own xdist worker, side by side, as the longest run of this suite.
CONTRACT_LONG_SEEDS = ("16", "7", "2025")


@pytest.mark.slow
@pytest.mark.parametrize("seed", CONTRACT_LONG_SEEDS)
def test_the_default_projects_contract_holds_under_the_longer_run(
    baked: Callable[[Variant], Path], seed: str
) -> None:
    # The short contract (in make test) tries 8 examples per operation under one random stream;
    # this, 25 under each of three. Not the minimal project: its three operations (login, logout,
    # health) come from the same code as the default's, and its own suite fuzzes them.
    project = baked(DEFAULT)
    # A database per stream: the three may run at the same moment.
    env = {"DATABASE_URL": f"{database_url(DEFAULT)}_seed_{seed}", "REDIS_DURABLE_URL": REDIS_URL}
    ok(run(["make", "install"], cwd=project))
    makefile = (project / "Makefile").read_text()
    assert f"CONTRACT_SEEDS ?= {' '.join(CONTRACT_LONG_SEEDS)}\n" in makefile

    command = ["make", "contract-long", f"CONTRACT_SEEDS={seed}"]
    output = ok(run(command, cwd=project, env=env, timeout=1800))

    assert f"CONTRACT_SEED={seed}" in output
    assert output.count(" passed in ") == 1, output
    assert " failed" not in output
    assert "skipped" not in output


def compose_command(service: dict[str, Any], env: dict[str, str]) -> list[str]:
    """A service's command line as compose would run it: ${NAME:-default} filled from `env`."""
    filled = re.sub(
        r"\$\{([A-Z_0-9]+):-([^}]*)\}",
        lambda match: env.get(match.group(1), match.group(2)),
        service["command"],
    )
    return shlex.split(filled)


def database_statement(sql: str) -> list[str]:
    """A command running `sql` on the machine's Postgres (with the baked project's psycopg)."""
    connect = f"psycopg.connect({POSTGRES + '/postgres'!r}, autocommit=True)"
    code = f"import psycopg; {connect}.execute({sql!r})"
    return [".venv/bin/python", "-c", code]


def first_stream_line(url: str) -> tuple[int, str, str]:
    """The status, content type and first line of an event stream (then hangs up)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.readline().decode()


def native_settings(project: Path, tmp_path: Path) -> dict[str, str]:
    """Environment for production settings on this machine: a settings module of the test's own
    that silences exactly the deploy checks this machine cannot satisfy, so the one-shot
    `migrate` service's `check --deploy --fail-level WARNING` still judges everything else."""
    # The machine's Postgres has no TLS (E007), its shared Redis no password (E003), and the
    # native proxy speaks plain HTTP, with no certificate for 127.0.0.1 (security.W008).
    silenced = [f"{project.name}.E003", f"{project.name}.E007", "security.W008"]
    (tmp_path / "native_production.py").write_text(
        "from config.settings.production import *  # noqa: F403\n"
        f"SILENCED_SYSTEM_CHECKS = {silenced!r}\n"
    )
    return {"DJANGO_SETTINGS_MODULE": "native_production", "PYTHONPATH": str(tmp_path)}


def caddy_command(project: Path) -> list[str]:
    """What the caddy image runs on the mounted Caddyfile (docker-compose.prod.yml's proxy)."""
    return ["caddy", "run", "--config", str(project / "Caddyfile"), "--adapter", "caddyfile"]


@pytest.mark.slow
def test_production_compose_services_run_natively(
    baked: Callable[[Variant], Path], tmp_path: Path
) -> None:
    """migrate, web, events, worker and the Caddy proxy from docker-compose.prod.yml, with their
    own command lines and Caddyfile, against the local Postgres and Redis instead of containers;
    every request goes through the proxy, which sends the event stream to the ASGI server and
    the rest to the WSGI one."""
    project = baked(DEFAULT)
    ok(run(["make", "install"], cwd=project))
    services = yaml.safe_load((project / "docker-compose.prod.yml").read_text())["services"]
    ports = {name: free_port() for name in ("web", "events", "proxy", "caddy-admin")}
    run_id, jwt_secret = uuid.uuid4().hex[:8], uuid.uuid4().hex * 2
    env_file = tmp_path / "smoke.env"
    env_file.write_text(
        "\n".join(
            [
                f"DJANGO_SECRET_KEY={uuid.uuid4().hex * 2}",
                "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost",
                # The native proxy speaks plain HTTP (no certificate for 127.0.0.1).
                "DJANGO_SECURE_SSL_REDIRECT=False",
                f"DATABASE_URL={POSTGRES}/tpl_smoke_{run_id}",
                f"REDIS_DURABLE_URL={REDIS_URL}",
                f"REDIS_KEY_PREFIX=smoke-{run_id}",
                f"CELERY_TASK_DEFAULT_QUEUE=smoke-{run_id}",
                f"RATE_LIMIT_KEY_PREFIX=smoke-{run_id}:rl",
                f"REALTIME_PREFIX=smoke-{run_id}:rt",
                "SUPABASE_URL=https://project-ref.supabase.co",
                "SUPABASE_SECRET_KEY=sb_secret_smoke_test",
                f"SUPABASE_JWT_SECRET={jwt_secret}",
            ]
        )
    )
    env = {
        "PATH": f"{project / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        **native_settings(project, tmp_path),
        "DJANGO_ENV_FILE": str(env_file),
        "WEB_CONCURRENCY": "2",
        "EVENTS_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
    }
    proxy_env = {
        "DOMAIN_NAME": f"http://127.0.0.1:{ports['proxy']}",
        "WEB_UPSTREAM": f"127.0.0.1:{ports['web']}",
        "EVENTS_UPSTREAM": f"127.0.0.1:{ports['events']}",
        "CADDY_ADMIN": f"127.0.0.1:{ports['caddy-admin']}",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
    }
    commands = {
        "web": (
            compose_command(services["web"], env),
            {"GUNICORN_BIND": f"127.0.0.1:{ports['web']}"},
        ),
        "events": (
            compose_command(services["events"], env),
            {"GUNICORN_BIND": f"127.0.0.1:{ports['events']}"},
        ),
        "worker": (compose_command(services["worker"], env), {}),
        "proxy": (caddy_command(project), proxy_env),
    }
    database = f"tpl_smoke_{run_id}"
    ok(run(database_statement(f"CREATE DATABASE {database}"), cwd=project))
    ok(run(compose_command(services["migrate"], env), cwd=project, env=env))

    base = f"http://127.0.0.1:{ports['proxy']}"
    processes = {
        name: subprocess.Popen(
            command,
            cwd=project,
            env={**os.environ, **env, **extra},
            stdout=(tmp_path / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for name, (command, extra) in commands.items()
    }
    try:
        wait_until(lambda: healthy(f"{base}/api/health/"), "/api/health/ to answer 200")
        token = supabase_token("https://project-ref.supabase.co", jwt_secret, "smoke@example.com")
        assert (
            http("POST", f"{base}/api/notes/", token, {"title": "smoke", "body": "a b"})[0] == 201
        )
        status, accepted = http("POST", f"{base}/api/notes/summary/", token, {})
        assert status == 202
        task_url = f"{base}/api/jobs/{accepted['id']}/"
        wait_until(lambda: http("GET", task_url, token)[1]["state"] == "SUCCESS", "the task")
        assert http("GET", task_url, token)[1]["result"] == {"note_count": 1, "word_count": 3}

        # The stream needs ASGI: the WSGI server refuses it, the proxy routes it to events.
        stream_url = http("POST", f"{base}/api/events/token/", token, {})[1]["stream_url"]
        assert http("GET", f"http://127.0.0.1:{ports['web']}{stream_url}")[0] == 501
        stream_url = http("POST", f"{base}/api/events/token/", token, {})[1]["stream_url"]
        status, content_type, first_line = first_stream_line(base + stream_url)
        assert (status, first_line) == (200, "retry: 3000\n")
        assert content_type.startswith("text/event-stream")
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        exit_codes = {name: process.wait(timeout=60) for name, process in processes.items()}
        ok(run(database_statement(f"DROP DATABASE {database}"), cwd=project))
    logs = {
        name: (tmp_path / f"{name}.log").read_text(errors="replace")[-2000:] for name in processes
    }
    assert exit_codes == {"web": 0, "events": 0, "worker": 0, "proxy": 0}, logs


@DEFAULT_BAKE
@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "check_id"),
    [("DJANGO_ALLOWED_HOSTS=.com", "E024"), ("API_DOCS_PUBLIC=True", "W026")],
)
def test_an_unsafe_setting_stops_the_production_start(
    baked: Callable[[Variant], Path], tmp_path: Path, setting: str, check_id: str
) -> None:
    """The one-shot `migrate` service runs the deploy checks first: an error, or a warning, ends
    it before the database is touched, and web and the others wait for it to succeed."""
    project = baked(DEFAULT)
    ok(run(["make", "install"], cwd=project))
    services = yaml.safe_load((project / "docker-compose.prod.yml").read_text())["services"]
    values = {
        "DJANGO_SECRET_KEY": uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "api.example.org",
        # Nothing listens here: the start must stop before connecting.
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
        "REDIS_DURABLE_URL": REDIS_URL,
        "SUPABASE_URL": "https://abcdefghijklmnop.supabase.co",
        "SUPABASE_SECRET_KEY": "sb_secret_0123456789abcdefghijklmnop",
        **dict([setting.split("=", 1)]),
    }
    env_file = tmp_path / "production.env"
    env_file.write_text("\n".join(f"{name}={value}" for name, value in values.items()))
    env = {
        "PATH": f"{project / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        **native_settings(project, tmp_path),
        "DJANGO_ENV_FILE": str(env_file),
    }

    started = run(compose_command(services["migrate"], env), cwd=project, env=env)

    assert started.returncode != 0
    assert f"{project.name}.{check_id}" in started.stderr, started.stderr
    assert "Operations to perform" not in started.stdout
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
