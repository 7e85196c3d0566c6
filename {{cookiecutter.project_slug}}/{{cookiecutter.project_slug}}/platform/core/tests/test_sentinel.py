"""A Redis Sentinel failover under the running project: a master, a replica and three sentinels
of the test's own; the master is killed, Sentinel promotes the replica and the project carries on
(cache, sessions, rate limits{% if cookiecutter.use_celery == "y" %}, Celery{% endif %}{% if cookiecutter.use_realtime == "y" %}, event streams{% endif %}) without a restart or a setting changed."""

{% if cookiecutter.use_realtime == "y" -%}
import asyncio
{% endif -%}
import time
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from config.env import sentinel_address
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.core.redis_diagnosis import SentinelReport, sentinel_diagnose
from {{ cookiecutter.project_slug }}.testing.certificates import make_certificates
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import {% if cookiecutter.use_celery == "y" %}HARNESS_JOB_URL, {% endif %}HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.project import check_redis_report, run_project
from {{ cookiecutter.project_slug }}.testing.sentinel import SENTINEL_MASTER, SentinelDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
{%- if cookiecutter.use_realtime == "y" %}
from {{ cookiecutter.project_slug }}.testing.sse import SseClient
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess
{%- endif %}

# Every test starts redis-servers and sentinels, or a process of the project.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

# Sentinel calls the master down after 1 s and then elects and promotes: a few seconds in all.
RECOVERY_BOUND_SECONDS = 30


@pytest.fixture
def sentinel_env(sentinel_deployment: SentinelDeployment, settings: Settings) -> dict[str, str]:
    """The settings that put every Redis role behind the sentinels, for the project's processes
    and for this test's own (which watches worker heartbeats through the durable role)."""
    env = {
        "REDIS_SENTINELS": sentinel_deployment.addresses,
        "REDIS_SENTINEL_MASTER": SENTINEL_MASTER,
        # Under Sentinel a URL gives only the database (and password): the host is a label.
        "REDIS_DURABLE_URL": f"redis://{SENTINEL_MASTER}/0",
    }
    settings.REDIS_SENTINELS = [sentinel_address(a) for a in env["REDIS_SENTINELS"].split(",")]
    settings.REDIS_SENTINEL_MASTER = SENTINEL_MASTER
    settings.REDIS_DURABLE_URL = env["REDIS_DURABLE_URL"]
    return env


def test_check_redis_names_the_master_and_follows_a_failover(
    sentinel_deployment: SentinelDeployment, sentinel_env: dict[str, str]
) -> None:
    promoted = f"127.0.0.1:{sentinel_deployment.replica.port}"
    before = sentinel_diagnose()
    sentinel_deployment.kill_master()
    reports: list[SentinelReport | None] = []

    def reports_the_promotion() -> bool:
        # The sentinels learn of the promotion a moment apart: poll until the report shows it.
        reports.append(sentinel_diagnose())
        return reports[-1] is not None and reports[-1].master == promoted

    sentinel_deployment.wait_until(reports_the_promotion)

    assert before is not None
    assert before.master == f"127.0.0.1:{sentinel_deployment.master.port}"
    assert before.replicas == [promoted]
    assert len(before.sentinels_answering) == 3
    assert before.findings == []
    assert reports[-1] is not None
    assert reports[-1].ok


def test_check_redis_prints_the_master_and_its_replicas(
    sentinel_deployment: SentinelDeployment, sentinel_env: dict[str, str]
) -> None:
    out = StringIO()

    call_command("check_redis", stdout=out)

    master, replica = sentinel_deployment.master.port, sentinel_deployment.replica.port
    assert f"{SENTINEL_MASTER}  OK (3/3 sentinels answer)" in out.getvalue()
    assert f"master 127.0.0.1:{master}, replicas: 127.0.0.1:{replica}" in out.getvalue()


def test_passwords_for_the_master_and_the_sentinels_are_used(
    tmp_path: Path, settings: Settings
) -> None:
    deployment = SentinelDeployment(
        tmp_path, password="master-secret", sentinel_password="s-secret"
    )
    deployment.start()
    settings.REDIS_SENTINELS = [sentinel_address(a) for a in deployment.addresses.split(",")]
    settings.REDIS_SENTINEL_MASTER = SENTINEL_MASTER
    settings.REDIS_DURABLE_URL = f"redis://:master-secret@{SENTINEL_MASTER}/0"
    try:
        without_sentinel_password = sentinel_diagnose()
        settings.REDIS_SENTINEL_PASSWORD = "s-secret"
        redis_client("durable").set("through-sentinel", "yes")
        stored = redis_client("durable").get("through-sentinel")
        with_passwords = sentinel_diagnose()
    finally:
        deployment.stop()

    assert without_sentinel_password is not None
    assert [finding.message for finding in without_sentinel_password.findings] == [
        f"No sentinel named a master {SENTINEL_MASTER!r}: the sentinels refused the credentials."
    ]
    assert stored == b"yes"
    assert with_passwords is not None
    assert with_passwords.ok


def test_every_role_reaches_a_tls_master_through_the_sentinels(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)
    deployment = SentinelDeployment(tmp_path, certificates=certificates)
    deployment.start()
    env = {
        "REDIS_SENTINELS": deployment.addresses,
        "REDIS_SENTINEL_MASTER": SENTINEL_MASTER,
        "REDIS_DURABLE_URL": f"rediss://{SENTINEL_MASTER}/0",
    }
    try:
        verified = check_redis_report(**env, REDIS_SSL_CA_CERTS=str(certificates["ca.crt"]))
        unverifiable = check_redis_report(**env)
    finally:
        deployment.stop()

    assert all(verified.values()), verified
    assert not any(unverifiable.values()), unverifiable


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"REDIS_SENTINELS": "127.0.0.1:26379", "REDIS_SENTINEL_MASTER": ""},
            "REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is not",
        ),
        (
            {"REDIS_SENTINELS": "127.0.0.1", "REDIS_SENTINEL_MASTER": "main"},
            "REDIS_SENTINELS entry '127.0.0.1' is not host:port",
        ),
    ],
)
def test_a_half_configured_sentinel_stops_the_process_with_the_reason(
    env: dict[str, str], message: str
) -> None:
    result = run_project("pass", **env)

    assert result.returncode != 0
    assert message in result.stderr


@pytest.fixture
def alice(sentinel_env: dict[str, str]) -> Iterator[ApiSession]:
    UserFactory.create(username="alice")
    session = ApiSession()
    yield session
    session.close()


def serves_everything(alice: ApiSession, server: LiveServer, title: str) -> bool:
    """One pass over the Redis-backed paths: the session (sessions role), a write that
    invalidates the cached list and the read that refills it (cache), and the limiter's answer
    (rate_limit). False while any of them fails."""
    try:
        created = alice.post(server, HARNESS_URL, {"name": title})
        listed = alice.get(server, HARNESS_URL)
    except httpx.HTTPError:
        return False
    if created.status_code != 201 or listed.status_code != 200:
        return False
    return listed.json()["name"] == title and "RateLimit" in listed.headers


def test_the_project_carries_on_through_a_sentinel_failover(
    sentinel_deployment: SentinelDeployment,
    sentinel_env: dict[str, str],
    alice: ApiSession,
    start_server: Callable[..., LiveServer],
{%- if cookiecutter.use_celery == "y" %}
    start_worker: Callable[..., WorkerProcess],
{%- endif %}
) -> None:
    server = start_server(**sentinel_env)
{%- if cookiecutter.use_celery == "y" %}
    start_worker("survivor", **sentinel_env)
{%- endif %}
    assert alice.login(server, "alice", PASSWORD).status_code == 200
    assert serves_everything(alice, server, "before")
{%- if cookiecutter.use_realtime == "y" %}
    stream_path = alice.post(server, "/api/events/token/").json()["stream_url"]

    async def scenario() -> None:
        stream = SseClient()
        async with httpx.AsyncClient() as http:
            reader = asyncio.create_task(stream.run(http, f"{server.url}{stream_path}", {}))
            await asyncio.wait_for(stream.connected.wait(), timeout=20)
            await asyncio.to_thread(fail_over_and_recover, sentinel_deployment, alice, server)
            assert (await stream.wait_for(1, timeout=RECOVERY_BOUND_SECONDS))[0] == "stream.gap"
            await asyncio.to_thread(alice.post, server, HARNESS_URL, {"name": "after"})
            names = await stream.wait_for(2)
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        assert names[0] == "stream.gap"
        assert "harness.saved" in names[1:]

    asyncio.run(scenario())
{%- else %}
    fail_over_and_recover(sentinel_deployment, alice, server)
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
    job = alice.post(server, HARNESS_JOB_URL).json()["id"]
    deadline = time.monotonic() + RECOVERY_BOUND_SECONDS
    while (state := alice.get(server, f"/api/jobs/{job}/").json()["state"]) != "SUCCESS":
        assert time.monotonic() < deadline, f"the task enqueued after the failover is {state}"
        time.sleep(0.2)
{%- endif %}


def fail_over_and_recover(
    deployment: SentinelDeployment, alice: ApiSession, server: LiveServer
) -> None:
    """Kill the master once everything written so far is on the replica; return when the
    project serves again, and print how long each step took (the README quotes them)."""
    deployment.wait_for_replication()
    killed_at = time.monotonic()
    deployment.kill_master()
    promoted = deployment.wait_until(
        lambda: deployment.master_port() == deployment.replica.port,
        timeout=RECOVERY_BOUND_SECONDS,
    )
    attempt = iter(range(10_000))
    deployment.wait_until(
        lambda: serves_everything(alice, server, f"after failover {next(attempt)}"),
        timeout=RECOVERY_BOUND_SECONDS,
    )
    # Shown with pytest -s: the figures in the README come from here.
    print(
        f"\nfailover: replica promoted {promoted:.1f} s after the master died; "
        f"project serving again at {time.monotonic() - killed_at:.1f} s"
    )
