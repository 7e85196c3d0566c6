"""Supabase's signing keys rotating under the API: standby -> in use -> previously used ->
revoked, with the JWKS served by a real local HTTP server (testing/supabase_auth_fixtures.py)
and counted there, and `manage.py jwks_refresh` for an urgent revocation."""

import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from io import StringIO
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.supabase_tokens import (
    TokenRejected,
    supabase_token_verify,
)
from {{ cookiecutter.project_slug }}.platform.accounts.tests.test_supabase_auth import in_threads
from {{ cookiecutter.project_slug }}.platform.integrations.supabase import jwks
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR, live_process_env
from {{ cookiecutter.project_slug }}.testing.redis_commands import redis_commands_sent
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer
from {{ cookiecutter.project_slug }}.testing.supabase_auth_fixtures import RotatingJwks
from {{ cookiecutter.project_slug }}.testing.waiting import seconds_until

ME_URL = "/api/me/"
THREADS = 16


def status_of(token: str) -> int:
    return APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def refusal_code(token: str) -> str | None:
    try:
        supabase_token_verify(token)
    except TokenRejected as rejected:
        return rejected.code
    return None


def jwks_refresh(*args: str) -> str:
    out = StringIO()
    call_command("jwks_refresh", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def patient_waiters(monkeypatch: pytest.MonkeyPatch) -> None:
    # Threads waiting for another's fetch wait far longer than the local server takes to answer:
    # on a loaded machine a 0.5 s wait can run out (test_supabase_auth times the wait itself).
    monkeypatch.setattr(jwks, "FETCH_WAIT_SECONDS", 10.0)


@pytest.mark.django_db
def test_a_promoted_standby_key_verifies_after_one_refetch_and_the_previous_key_while_listed(
    rotating_jwks: RotatingJwks, patient_waiters: None
) -> None:
    assert status_of(rotating_jwks.token("key-1")) == 200
    rotating_jwks.add("key-2")  # standby: listed, signs nothing yet
    assert status_of(rotating_jwks.token("key-1")) == 200
    fetches_before_promotion = rotating_jwks.fetches

    # Promoted: a burst of its tokens, at once, before any of them made the set known.
    refusals = in_threads(THREADS, lambda: refusal_code(rotating_jwks.token("key-2")))
    fetches_after_promotion = rotating_jwks.fetches
    previously_used = status_of(rotating_jwks.token("key-1"))

    assert fetches_before_promotion == 1
    assert refusals == [None] * THREADS
    assert fetches_after_promotion == 2  # one refetch for the whole burst
    assert previously_used == 200
    assert status_of(rotating_jwks.token("key-2")) == 200
    assert rotating_jwks.fetches == 2


def test_a_flood_of_forged_kids_refetches_the_set_once(
    rotating_jwks: RotatingJwks, patient_waiters: None
) -> None:
    forger = ec.generate_private_key(ec.SECP256R1())
    assert refusal_code(rotating_jwks.token("key-1")) is None

    at_once = in_threads(
        THREADS, lambda: refusal_code(rotating_jwks.token(f"forged-{time.monotonic_ns()}", forger))
    )
    one_by_one = [refusal_code(rotating_jwks.token(f"forged-{n}", forger)) for n in range(50)]

    assert at_once == ["token_key_unknown"] * THREADS
    assert one_by_one == ["token_key_unknown"] * 50
    assert rotating_jwks.fetches == 2  # the first fill, then one refetch


def test_a_revoked_key_is_refused_once_both_tiers_let_go(
    rotating_jwks: RotatingJwks, settings: Settings
) -> None:
    settings.SUPABASE_JWKS_CACHE_SECONDS = 2
    rotating_jwks.add("key-2")
    assert refusal_code(rotating_jwks.token("key-1")) is None
    rotating_jwks.revoke("key-1")
    kept_meanwhile = refusal_code(rotating_jwks.token("key-1"))

    time.sleep(2.2)
    in_redis = cache.get(jwks.JWKS_CACHE_KEY)
    refused = refusal_code(rotating_jwks.token("key-1"))

    assert kept_meanwhile is None  # within the documented bound, the kept set still lists it
    assert in_redis is None  # the shared tier let go too: no other process picks it up
    assert refused == "token_key_unknown"
    assert refusal_code(rotating_jwks.token("key-2")) is None


@pytest.mark.django_db
def test_jwks_refresh_refuses_a_revoked_key_at_once_and_says_what_it_dropped(
    rotating_jwks: RotatingJwks,
) -> None:
    rotating_jwks.add("key-2")
    assert status_of(rotating_jwks.token("key-1")) == 200
    rotating_jwks.revoke("key-1")
    assert status_of(rotating_jwks.token("key-1")) == 200  # kept, for up to 10 minutes

    output = jwks_refresh("--fetch")

    assert "Dropped the key set kept in Redis (kids: key-1, key-2;" in output
    assert "every other process drops its own within 5 s" in output
    assert f"Fetched {jwks.jwks_url()}: kids key-2." in output
    assert status_of(rotating_jwks.token("key-1")) == 401
    assert status_of(rotating_jwks.token("key-2")) == 200
    shared = cache.get(jwks.JWKS_CACHE_KEY)
    assert [key["kid"] for key in shared["jwks"]["keys"]] == ["key-2"]


def test_jwks_refresh_drops_the_refetch_guard(rotating_jwks: RotatingJwks) -> None:
    forger = ec.generate_private_key(ec.SECP256R1())
    assert refusal_code(rotating_jwks.token("forged", forger)) == "token_key_unknown"
    assert rotating_jwks.fetches == 2  # the fill, and the refetch that set the guard

    output = jwks_refresh()
    assert refusal_code(rotating_jwks.token("key-1")) is None  # filled again
    rotating_jwks.add("key-2")  # promoted within the minute the guard would have lasted

    assert "Dropped the unknown-kid refetch guard." in output
    assert refusal_code(rotating_jwks.token("key-2")) is None
    assert rotating_jwks.fetches == 4


def test_jwks_refresh_with_nothing_kept_says_so(rotating_jwks: RotatingJwks) -> None:
    output = jwks_refresh()

    assert output.startswith("No key set was kept in Redis.")
    assert rotating_jwks.fetches == 0


def test_jwks_refresh_fetch_names_the_url_when_supabase_auth_is_unreachable(
    rotating_jwks: RotatingJwks, settings: Settings
) -> None:
    settings.SUPABASE_URL = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(CommandError, match=r"did not serve the key set at http://127\.0\.0\.1:"):
        jwks_refresh("--fetch")


def test_a_process_drops_its_copy_when_another_ran_jwks_refresh(
    rotating_jwks: RotatingJwks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jwks, "GENERATION_CHECK_SECONDS", 1.0)
    rotating_jwks.add("key-2")
    assert refusal_code(rotating_jwks.token("key-1")) is None
    rotating_jwks.revoke("key-1")
    # What another process's jwks_refresh leaves in Redis (this process's copy stays).
    cache.delete(jwks.JWKS_CACHE_KEY)
    cache.set(jwks.GENERATION_KEY, "from-another-process", None)  # any new value

    within_the_interval = refusal_code(rotating_jwks.token("key-1"))
    time.sleep(1.1)

    assert within_the_interval is None
    assert refusal_code(rotating_jwks.token("key-1")) == "token_key_unknown"


def test_a_kept_key_set_sends_no_redis_command_per_token(rotating_jwks: RotatingJwks) -> None:
    assert jwks.jwks_key("key-1") is not None

    with redis_commands_sent() as sent:
        keys = [jwks.jwks_key("key-1") for _ in range(500)]

    assert all(keys)
    assert len(sent) <= 1  # at most the generation look-up, once per GENERATION_CHECK_SECONDS


def test_the_generation_is_looked_up_once_per_interval_not_per_token(
    rotating_jwks: RotatingJwks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jwks, "GENERATION_CHECK_SECONDS", 0.0)  # every token: the counter works
    assert jwks.jwks_key("key-1") is not None

    with redis_commands_sent() as sent:
        for _ in range(20):
            jwks.jwks_key("key-1")

    assert sent == ["GET"] * 20


def test_jwks_refresh_fails_loudly_when_the_cache_redis_is_down(
    rotating_jwks: RotatingJwks, settings: Settings, own_redis: OwnRedis
) -> None:
    cache_alias = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**cache_alias, "LOCATION": own_redis.url(1)}}
    own_redis.stop()

    with pytest.raises(CommandError, match="The cache's Redis did not answer"):
        jwks_refresh()


# Processes of their own: the command as an operator runs it, and servers that keep copies.


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (the project's own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=live_process_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.system
def test_the_command_exits_non_zero_with_a_message_when_supabase_or_redis_is_unreachable() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    dead_redis = f"redis://127.0.0.1:{free_port()}/1"

    no_supabase = manage("jwks_refresh", "--fetch", SUPABASE_URL=nowhere)
    no_redis = manage("jwks_refresh", REDIS_CACHE_URL=dead_redis)

    assert no_supabase.returncode == 1, no_supabase.stderr
    assert f"did not serve the key set at {nowhere}" in no_supabase.stderr
    assert no_redis.returncode == 1, no_redis.stderr
    assert "The cache's Redis did not answer" in no_redis.stderr


def bearer_status(server: LiveServer, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{server.url}{ME_URL}", headers=headers, timeout=15).status_code


@pytest.mark.django_db(transaction=True)
def test_servers_share_one_refetch_and_each_drops_its_copy_after_jwks_refresh(
    rotating_jwks: RotatingJwks, start_server: Callable[..., LiveServer]
) -> None:
    env: dict[str, Any] = {"SUPABASE_URL": rotating_jwks.project_url, "SUPABASE_JWT_SECRET": ""}
    servers = [start_server(**env), start_server(**env)]
    warm = [bearer_status(server, rotating_jwks.token("key-1")) for server in servers]
    rotating_jwks.add("key-2")

    promoted = [bearer_status(server, rotating_jwks.token("key-2")) for server in servers]
    fetches_after_promotion = rotating_jwks.fetches
    # One user's tokens from here on: each new user spends the client's budget of first sign-ins.
    old_key_token, new_key_token = rotating_jwks.token("key-1"), rotating_jwks.token("key-2")
    rotating_jwks.revoke("key-1")
    kept = [bearer_status(server, old_key_token) for server in servers]
    jwks_refresh()

    def refuses_key_1(server: LiveServer) -> bool:
        return bearer_status(server, old_key_token) == 401

    limit = jwks.GENERATION_CHECK_SECONDS + 2
    waited = [seconds_until(partial(refuses_key_1, server), timeout=limit) for server in servers]

    assert warm == [200, 200], [server.log() for server in servers]
    assert promoted == [200, 200]
    assert fetches_after_promotion == 2  # one fill and one refetch, shared by both servers
    assert kept == [200, 200]
    assert max(waited) <= jwks.GENERATION_CHECK_SECONDS + 1
    assert [bearer_status(server, new_key_token) for server in servers] == [200] * 2
