"""Each decision of the limiter is counted by scope (rate_limit_decisions_total)."""

import uuid

from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import rate_limit_check
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate
from {{ cookiecutter.project_slug }}.testing.metrics import metric_value


def decisions(scope: str, decision: str) -> float:
    return metric_value("rate_limit_decisions_total", scope=scope, decision=decision)


def test_decisions_are_counted_by_scope_and_outcome() -> None:
    scope, identity = f"metrics-{uuid.uuid4().hex[:8]}", f"test-{uuid.uuid4().hex}"

    for _ in range(5):
        rate_limit_check(scope=scope, identity=identity, rate=Rate(limit=3, period=60))

    assert decisions(scope, "allowed") == 3
    assert decisions(scope, "limited") == 2


def test_a_peek_decides_nothing_and_is_not_counted() -> None:
    scope, identity = f"metrics-{uuid.uuid4().hex[:8]}", f"test-{uuid.uuid4().hex}"

    rate_limit_check(scope=scope, identity=identity, rate=Rate(limit=3, period=60), peek=True)

    assert decisions(scope, "allowed") == 0
