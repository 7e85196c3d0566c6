"""Several processes of the project behind one load balancer: two web servers{% if cookiecutter.use_celery == "y" %} and two task workers{% endif %}
sharing one Redis and one Postgres behave as one. Requests alternate between servers."""

{% if cookiecutter.use_realtime == "y" -%}
import asyncio
{% endif -%}
{% if cookiecutter.use_celery == "y" -%}
import time
{% endif -%}
from collections.abc import Callable, Iterator

{% if cookiecutter.use_realtime == "y" -%}
import httpx
{% endif -%}
import pytest

from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD, UserFactory
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import {% if cookiecutter.use_celery == "y" %}HARNESS_JOB_URL, {% endif %}HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
{%- if cookiecutter.use_realtime == "y" %}
from {{ cookiecutter.project_slug }}.testing.sse import SseClient
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess
{%- endif %}

# The servers are other processes: they read only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

USER_RATE = 6  # per minute, for every server together


@pytest.fixture
def servers(start_server: Callable[..., LiveServer]) -> list[LiveServer]:
    return [start_server(RATE_LIMIT_USER_RATE=f"{USER_RATE}/min") for _ in range(2)]


@pytest.fixture
def alice(servers: list[LiveServer]) -> Iterator[ApiSession]:
    """A logged-in user; every test below but the rate-limit one stays under USER_RATE."""
    UserFactory.create(username="alice")
    session = ApiSession()
    assert session.login(servers[0], "alice", PASSWORD).status_code == 200
    yield session
    session.close()


def test_a_session_started_on_one_server_works_and_ends_on_the_other(
    servers: list[LiveServer], alice: ApiSession
) -> None:
    first, second = servers

    assert alice.get(second, HARNESS_URL).status_code == 200
    assert alice.post(second, "/api/auth/logout/").status_code == 204
    assert alice.get(first, HARNESS_URL).status_code in (401, 403)


def test_the_rate_limit_counts_requests_on_both_servers_together(
    servers: list[LiveServer], alice: ApiSession
) -> None:
    answers = [alice.get(servers[n % 2], HARNESS_URL) for n in range(USER_RATE + 2)]

    assert [answer.status_code for answer in answers] == [200] * USER_RATE + [429, 429]
    remaining = [answer.headers["RateLimit"] for answer in answers[:USER_RATE]]
    assert [f"r={USER_RATE - 1 - n};" in value for n, value in enumerate(remaining)] == [
        True
    ] * USER_RATE


def test_a_write_on_one_server_invalidates_the_cache_the_other_reads(
    servers: list[LiveServer], alice: ApiSession
) -> None:
    first, second = servers
    assert alice.get(first, HARNESS_URL).json()["name"] == ""  # now cached

    created = alice.post(second, HARNESS_URL, {"name": "From the second server"})

    assert created.status_code == 201
    assert alice.get(first, HARNESS_URL).json()["name"] == "From the second server"
{%- if cookiecutter.use_realtime == "y" %}


def test_an_event_published_through_one_server_reaches_a_stream_on_the_other(
    servers: list[LiveServer], alice: ApiSession
) -> None:
    first, second = servers
    stream_url = alice.post(first, "/api/events/token/").json()["stream_url"]
    stream_path = stream_url.split("/api/events/", 1)[1]

    async def scenario() -> list[str]:
        client = SseClient()
        async with httpx.AsyncClient() as http:
            url = f"{second.url}/api/events/{stream_path}"
            reader = asyncio.create_task(client.run(http, url, {}))
            await asyncio.wait_for(client.connected.wait(), timeout=20)
            body = {"name": "Seen elsewhere"}
            created = await asyncio.to_thread(alice.post, first, HARNESS_URL, body)
            assert created.status_code == 201
            names = await client.wait_for(1)
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        return names

    assert asyncio.run(scenario()) == ["harness.saved"]
{%- endif %}
{%- if cookiecutter.use_celery == "y" %}


def test_tasks_requested_on_either_server_are_done_by_the_workers_and_seen_on_the_other(
    servers: list[LiveServer],
    alice: ApiSession,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    for name in ("worker-one", "worker-two"):
        start_worker(name)
    jobs = [alice.post(servers[n], HARNESS_JOB_URL).json()["id"] for n in range(2)]
    time.sleep(2)  # both done by then; polling stays within the user's rate

    states = [job_state(alice, servers[(n + 1) % 2], job) for n, job in enumerate(jobs)]

    assert states == ["SUCCESS", "SUCCESS"]


def job_state(session: ApiSession, server: LiveServer, job_id: str) -> str:
    return str(session.get(server, f"/api/jobs/{job_id}/").json()["state"])
{%- endif %}
