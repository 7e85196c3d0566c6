"""Redis command latency is recorded under the role names of core's registry, the names
`/health` and `check_redis` print (one registry, core/redis_clients.py)."""

import uuid
from typing import cast

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.platform.core.health import health_check
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    CACHE_ALIAS_ROLES,
    redis_client,
    redis_role_urls,
)
from {{ cookiecutter.project_slug }}.platform.observability.redis_timing import TimedRedis
from {{ cookiecutter.project_slug }}.testing.metrics import metric_samples


def commands_timed_by_role() -> dict[str, float]:
    samples = metric_samples("redis_command_duration_seconds_count")
    return {labels["role"]: value for labels, value in samples}


def test_each_cache_alias_times_its_commands_under_its_registry_role() -> None:
    for role, alias in CACHE_ALIAS_ROLES.items():
        options = cast(dict[str, object], settings.CACHES[alias]["OPTIONS"])
        assert options["REDIS_CLIENT_KWARGS"] == {"metrics_role": role}


@pytest.mark.django_db
def test_health_and_metrics_name_the_same_redis_roles() -> None:
    before = commands_timed_by_role()
    report = health_check()
    after = commands_timed_by_role()

    probed = {name.removeprefix("redis.") for name in report.checks if name.startswith("redis.")}
    timed = {role for role, count in after.items() if count > before.get(role, 0)}
    assert probed == set(redis_role_urls())
    assert timed == probed


def test_a_pipeline_is_timed_as_one_round_trip() -> None:
    # A role of its own: no other thread of this process adds to its count meanwhile.
    role = f"pipeline-{uuid.uuid4().hex[:8]}"
    client = TimedRedis(connection_pool=redis_client("durable").connection_pool, metrics_role=role)
    with client.pipeline(transaction=False) as pipeline:
        for _ in range(3):
            pipeline.ping()
        pipeline.execute()
    client.ping()

    assert commands_timed_by_role()[role] == 2
