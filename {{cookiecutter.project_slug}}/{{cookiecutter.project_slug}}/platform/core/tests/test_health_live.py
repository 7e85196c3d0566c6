"""Health checks against the production web server (gunicorn, sync workers) and a live server:
what a flood of probes costs, and what the public answer leaves out."""

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.project import shared_database_url
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.servers import (
    ApiSession,
    LiveServer,
    ProductionServer,
)

pytestmark = pytest.mark.system

CALLS = 40
HEALTH_CACHE_SECONDS = 2  # the production default the server runs with


def sessions_opened() -> int:
    """Connections ever opened to the test database: Postgres's own count, read from another
    database so that reading it opens none there. A backend reports its connection when it next
    goes idle (at most once a second) or ends: the count is read after a pause."""
    time.sleep(1.5)
    database = settings.DATABASES["default"]["NAME"]
    url = shared_database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", (database,)
        ).fetchone()
    return int(row[0]) if row else 0


def test_health_probes_reuse_one_database_connection(tmp_path: Path, django_db_setup: None) -> None:
    # No kept report: every request probes Postgres.
    server = ProductionServer(tmp_path / "gunicorn.log", HEALTH_CACHE_SECONDS="0")
    server.start()
    try:
        before = sessions_opened()
        statuses = {httpx.get(f"{server.url}/api/health/").status_code for _ in range(CALLS)}
        after = sessions_opened()
    finally:
        server.stop()

    assert statuses <= {200}
    # The worker's probe connection may be counted late (its session started before `before`).
    assert after - before <= 1, f"{after - before} connections for {CALLS} health checks"


def pings_answered(own_redis: OwnRedis) -> int:
    client = redis.Redis.from_url(own_redis.url())
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    return int(stats.get("cmdstat_ping", {}).get("calls", 0))


def test_a_flood_of_health_checks_probes_once_per_period(
    tmp_path: Path, django_db_setup: None, own_redis: OwnRedis
) -> None:
    server = ProductionServer(tmp_path / "gunicorn.log", REDIS_DURABLE_URL=own_redis.url())
    server.start()
    try:
        # Past the report start-up's health wait left behind: the flood's first call probes.
        time.sleep(HEALTH_CACHE_SECONDS + 0.5)
        before, started = pings_answered(own_redis), time.monotonic()
        bodies = [httpx.get(f"{server.url}/api/health/").json() for _ in range(CALLS)]
        pings, elapsed = pings_answered(own_redis) - before, time.monotonic() - started
    finally:
        server.stop()

    roles = [name for name in bodies[0]["checks"] if name.startswith("redis.")]
    # One probe (a PING per role) per HEALTH_CACHE_SECONDS (2 s), not one per request: a flood
    # slowed by a loaded machine spans more periods, each allowed its probe (plus the periods it
    # starts and ends in).
    periods = int(elapsed // HEALTH_CACHE_SECONDS) + 2
    assert periods <= CALLS // 4, f"{CALLS} health checks took {elapsed:.1f} s: too slow to judge"
    assert 0 < len(roles) <= pings <= periods * len(roles), (
        f"{pings} PINGs for {CALLS} health checks in {elapsed:.1f} s"
    )


@pytest.mark.django_db(transaction=True)
def test_only_staff_see_which_internal_address_failed(
    start_server: Callable[..., LiveServer], own_redis: OwnRedis
) -> None:
    # The cache on a Redis of the test's own; sessions stay on the shared one, so staff can log in.
    server = start_server(REDIS_CACHE_URL=own_redis.url(db=1))
    UserFactory.create(username="operator", is_staff=True)
    staff = ApiSession()
    try:
        assert staff.login(server, "operator", PASSWORD).status_code == 200
        own_redis.stop()
        public = httpx.get(f"{server.url}/api/health/")
        detailed = staff.get(server, "/api/health/")
    finally:
        staff.close()

    port = str(own_redis.port)
    assert (public.status_code, detailed.status_code) == (503, 503)
    assert public.json()["checks"]["redis.cache"] == {"status": "down"}
    assert port not in public.text
    assert port in detailed.json()["checks"]["redis.cache"]["error"]


def test_liveness_answers_while_the_database_and_redis_are_down(
    tmp_path: Path, django_db_setup: None, own_redis: OwnRedis
) -> None:
    server = ProductionServer(
        tmp_path / "gunicorn.log",
        REDIS_DURABLE_URL=own_redis.url(),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
    )
    server.start()
    try:
        own_redis.stop()
        live = httpx.get(f"{server.url}/api/health/live/")
        ready = httpx.get(f"{server.url}/api/health/ready/")
    finally:
        server.stop()

    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == {"status": "down"}
