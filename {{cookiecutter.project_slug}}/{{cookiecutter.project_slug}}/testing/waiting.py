"""Waiting in tests for something another process does."""

import time
from collections.abc import Callable

import pytest


def seconds_until(
    condition: Callable[[], bool], *, timeout: float, what: str = "the condition"
) -> float:
    """Seconds until `condition` held, checked every 0.1 s; fails the test after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"{what}: not met within {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started
