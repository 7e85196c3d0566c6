"""Celery moves JSON only: a pickled message (anyone who can write to the broker's Redis could
send one) is refused before it is decoded, so it cannot run code in a worker."""

import pickle

import pytest
from kombu.exceptions import ContentDisallowed
from kombu.serialization import loads

from config.celery import app as celery_app


def test_tasks_and_results_are_sent_as_json() -> None:
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.result_serializer == "json"


def test_a_pickled_message_is_refused_before_it_is_decoded() -> None:
    payload = pickle.dumps({"task": "anything"})

    with pytest.raises(ContentDisallowed):
        loads(
            payload,
            "application/x-python-serialize",
            "binary",
            accept=celery_app.conf.accept_content,
        )
    # Results are read with the same allow-list (result_accept_content falls back to it).
    assert celery_app.conf.result_accept_content in (None, ["json"])
