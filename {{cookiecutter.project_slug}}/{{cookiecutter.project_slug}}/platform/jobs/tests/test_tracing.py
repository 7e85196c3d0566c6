"""Tracing across processes: a task enqueued by a request runs in the request's trace on a real
worker, its context carried in the task message."""

from collections.abc import Callable
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.testing.harness_app.tasks import harness_word_count
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_JOB_URL
from {{ cookiecutter.project_slug }}.testing.otlp import (
    OtlpReceiver,
    ReceivedSpan,
    server_span,
    traced_server,
)
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


def task_span(spans: list[ReceivedSpan]) -> ReceivedSpan | None:
    return next(
        (
            span
            for span in spans
            if span.service == "traced-worker" and span.name.endswith(harness_word_count.name)
        ),
        None,
    )


@pytest.mark.system
def test_a_task_runs_in_the_trace_of_the_request_that_enqueued_it(
    tmp_path: Path,
    otlp_receiver: OtlpReceiver,
    start_worker: Callable[..., WorkerProcess],
    user: User,
) -> None:
    start_worker("traced", **otlp_receiver.env())
    server = traced_server(tmp_path, otlp_receiver).start()
    session = ApiSession()
    try:
        assert session.login(server, user.username, PASSWORD).status_code == 200
        assert session.post(server, HARNESS_JOB_URL).status_code == 202

        def both_ends_arrived(spans: list[ReceivedSpan]) -> bool:
            return bool(server_span(spans, "POST", HARNESS_JOB_URL) and task_span(spans))

        spans = otlp_receiver.wait_for(both_ends_arrived)
    finally:
        session.close()
        server.stop()

    request, task = server_span(spans, "POST", HARNESS_JOB_URL), task_span(spans)
    assert request is not None
    assert task is not None
    assert task.trace_id == request.trace_id
    assert task.parent_span_id != ""
    services = {span.service for span in spans if span.trace_id == request.trace_id}
    assert services == {"traced-web", "traced-worker"}
