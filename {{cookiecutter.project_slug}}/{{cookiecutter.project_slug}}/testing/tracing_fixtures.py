"""Fixtures of tracing: an OTLP receiver the processes a test starts export their spans to."""

from collections.abc import Iterator

import pytest

from {{ cookiecutter.project_slug }}.testing.otlp import OtlpReceiver


@pytest.fixture
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """A trace receiver on a port of its own (a thread of the test process); `.env()` points a
    server or worker at it."""
    receiver = OtlpReceiver().start()
    yield receiver
    receiver.stop()
