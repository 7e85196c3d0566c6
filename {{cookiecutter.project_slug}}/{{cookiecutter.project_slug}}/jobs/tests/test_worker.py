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
from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.core.tests.redis_server import OwnRedis
from {{ cookiecutter.project_slug }}.jobs.tasks import ping
from {{ cookiecutter.project_slug }}.jobs.tests.slow_tasks import slow_note_summary
from {{ cookiecutter.project_slug }}.jobs.tests.worker_process import WorkerProcess
from {{ cookiecutter.project_slug }}.notes.models import NoteSummary
from {{ cookiecutter.project_slug }}.notes.tests.factories import NoteFactory

# The worker is another process: it only sees committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

StartWorker = Callable[..., WorkerProcess]


def poll_until_finished(client: APIClient, url: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(url).json()
        if body["state"] in ("SUCCESS", "FAILURE"):
            return body
        time.sleep(0.1)
    pytest.fail(f"the task at {url} did not finish in {timeout} s")


def test_the_summary_task_runs_on_a_real_worker(
    api_client: APIClient, user: User, start_worker: StartWorker
) -> None:
    NoteFactory.create(owner=user, title="one two", body="three")
    NoteFactory.create(owner=user, title="four", body="")
    start_worker("api")

    accepted = api_client.post("/api/notes/summary/")
    assert accepted.status_code == 202
    finished = poll_until_finished(api_client, accepted.json()["status_url"])

    assert finished == {
        "id": accepted.json()["id"],
        "state": "SUCCESS",
        "result": {"note_count": 2, "word_count": 4},
    }
    summary = NoteSummary.objects.get(owner=user)
    assert (summary.note_count, summary.word_count) == (2, 4)
    assert api_client.get("/api/notes/summary/").json()["word_count"] == 4


def test_only_the_user_who_enqueued_a_task_can_read_it(
    api_client: APIClient, other_user: User
) -> None:
    accepted = api_client.post("/api/notes/summary/").json()
    intruder = APIClient()
    intruder.force_authenticate(user=other_user)

    response = intruder.get(accepted["status_url"])

    assert response.status_code == 404
    assert intruder.get(f"/api/tasks/{uuid.uuid4()}/").status_code == 404


def test_a_task_whose_worker_is_killed_runs_again_on_another_and_takes_effect_once(
    user: User, start_worker: StartWorker
) -> None:
    NoteFactory.create(owner=user, title="a b c", body="")
    runs_key = f"test:runs:{uuid.uuid4().hex}"
    durable = redis_client("durable")
    # Messages of a dead worker come back after the visibility timeout: a short one here.
    first = start_worker("doomed", CELERY_VISIBILITY_TIMEOUT="4")

    result = slow_note_summary.apply_async((user.pk, 2.0, runs_key))
    deadline = time.monotonic() + 30
    while durable.get(runs_key) != b"1":
        assert time.monotonic() < deadline, first.log()
        time.sleep(0.05)
    first.kill()  # mid-task: the message was never acknowledged
    start_worker("rescuer", CELERY_VISIBILITY_TIMEOUT="4")

    assert result.get(timeout=60) == {"note_count": 1, "word_count": 3}
    assert durable.get(runs_key) == b"2"  # ran twice...
    assert NoteSummary.objects.filter(owner=user).count() == 1  # ...took effect once
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
