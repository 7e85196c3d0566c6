"""A real worker consuming from Redis: results through the API, effects in Postgres, and the
faults a production worker meets (killed mid-task, broker restarted)."""

import time
import uuid
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from config.celery import app as celery_app

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.jobs.tasks import ping
from {{ cookiecutter.project_slug }}.platform.jobs.tests.slow_tasks import slow_harness_word_count
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_JOB_URL
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

# The worker is another process: it only sees committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def worker_task_modules() -> tuple[str, ...]:
    """The workers of these tests also run the slow task the fault tests kill."""
    return (slow_harness_word_count.__module__,)


def poll_until_finished(client: APIClient, url: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(url).json()
        if body["state"] in ("SUCCESS", "FAILURE"):
            return body
        time.sleep(0.1)
    pytest.fail(f"the task at {url} did not finish in {timeout} s")


def test_a_job_runs_on_a_real_worker_and_its_result_is_read_through_the_api(
    api_client: APIClient, user: User, start_worker: StartWorker
) -> None:
    User.objects.filter(pk=user.pk).update(first_name="one two three four")
    start_worker("api")

    accepted = api_client.post(HARNESS_JOB_URL)
    assert accepted.status_code == 202
    finished = poll_until_finished(api_client, accepted.json()["status_url"])

    assert finished == {
        "id": accepted.json()["id"],
        "state": "SUCCESS",
        "result": {"words": 4},
    }
    user.refresh_from_db()
    assert user.last_name == "4 words"  # the task's effect, in Postgres


def test_only_the_user_who_enqueued_a_task_can_read_it(
    api_client: APIClient, other_user: User
) -> None:
    accepted = api_client.post(HARNESS_JOB_URL).json()
    intruder = APIClient()
    intruder.force_authenticate(user=other_user)

    response = intruder.get(accepted["status_url"])

    assert response.status_code == 404
    assert intruder.get(f"/api/jobs/{uuid.uuid4()}/").status_code == 404


def test_a_task_whose_worker_is_killed_runs_again_on_another_and_takes_effect_once(
    user: User, start_worker: StartWorker
) -> None:
    User.objects.filter(pk=user.pk).update(first_name="a b c")
    runs_key = f"test:runs:{uuid.uuid4().hex}"
    durable = redis_client("durable")
    # Messages of a dead worker come back after the visibility timeout: a short one here.
    first = start_worker("doomed", CELERY_VISIBILITY_TIMEOUT="4")

    result = slow_harness_word_count.apply_async((user.pk, 2.0, runs_key))
    deadline = time.monotonic() + 30
    while durable.get(runs_key) != b"1":
        assert time.monotonic() < deadline, first.log()
        time.sleep(0.05)
    first.kill()  # mid-task: the message was never acknowledged
    start_worker("rescuer", CELERY_VISIBILITY_TIMEOUT="4")

    assert result.get(timeout=60) == {"words": 3}
    assert durable.get(runs_key) == b"2"  # ran twice...
    user.refresh_from_db()
    assert user.last_name == "3 words"  # ...with the one effect an idempotent task has
    durable.delete(runs_key)


def test_the_worker_reconnects_after_the_broker_restarts(
    own_redis: OwnRedis, start_worker: StartWorker
) -> None:
    broker_url = own_redis.url(db=3)
    start_worker("steadfast", CELERY_BROKER_URL=broker_url)

    own_redis.stop()
    own_redis.start()  # empty, on the same port
    with celery_app.connection_for_write(broker_url) as connection:
        result = ping.apply_async(connection=connection)  # type: ignore[call-arg]  # not in celery-types

    assert result.get(timeout=60) == "pong"


def test_check_worker_and_health_see_a_live_worker(
    anonymous_client: APIClient, start_worker: StartWorker
) -> None:
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_worker", stdout=out, stderr=out)
    assert anonymous_client.get("/api/health/").json()["checks"]["worker"]["status"] == "down"

    start_worker("alive")
    call_command("check_worker", "--roundtrip", "30", stdout=out, stderr=out)

    assert "alive@" in out.getvalue()
    assert "round trip: pong" in out.getvalue()
    body = anonymous_client.get("/api/health/").json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "ok"
