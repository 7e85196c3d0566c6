"""Redis Cluster mode (REDIS_CLUSTER_NODES): the cache and rate-limit roles, and the project
serving from them, on a cluster of the test's own (3 primaries, 3 replicas); the durable role
refusing one. Sessions on a cluster are the accounts app's own tests."""

import threading
import time
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from pytest_django.fixtures import Settings
from redis import Redis
from redis.cluster import RedisCluster

from config.env import redis_env

from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import PASSWORD
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    SAME_SLOT_KEYS,
    redis_client,
)
from {{ cookiecutter.project_slug }}.platform.core.redis_diagnosis import cluster_diagnose
from {{ cookiecutter.project_slug }}.platform.core.tests.cluster import (
    cluster_settings,
    errors_counted,
)
from {{ cookiecutter.project_slug }}.testing.failover import (
    RECOVERY_BOUND_SECONDS,
    serves_everything,
)
from {{ cookiecutter.project_slug }}.testing.redis_cluster import CLUSTER_SLOTS, ClusterDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer


def test_the_harness_cluster_covers_every_slot_with_three_primaries_each_replicated(
    redis_cluster: ClusterDeployment,
) -> None:
    info = redis_cluster.client(redis_cluster.nodes[0]).cluster("INFO")

    assert info["cluster_state"] == "ok"
    assert int(info["cluster_slots_assigned"]) == CLUSTER_SLOTS
    assert int(info["cluster_known_nodes"]) == 6
    assert len(redis_cluster.primaries()) == 3
    assert len(redis_cluster.replicas()) == 3


@pytest.fixture
def on_cluster(redis_cluster: ClusterDeployment, settings: Settings) -> dict[str, str]:
    return cluster_settings(redis_cluster, settings)


def test_the_cache_and_rate_limit_roles_are_cluster_clients_and_the_durable_role_is_not(
    on_cluster: dict[str, str],
) -> None:
    assert isinstance(redis_client("cache"), RedisCluster)
    assert isinstance(redis_client("rate_limit"), RedisCluster)
    assert isinstance(redis_client("durable"), Redis)


def test_the_cache_keeps_json_values_and_reads_keys_of_every_slot_in_one_call(
    redis_cluster: ClusterDeployment, on_cluster: dict[str, str]
) -> None:
    values: dict[str, Any] = {f"key-{n}": {"n": n, "tags": ["a", n]} for n in range(20)}
    caches["default"].set_many(values)

    found = caches["default"].get_many([*values, "missing"])
    slots = {redis_client("cache").keyslot(caches["default"].make_key(key)) for key in values}  # type: ignore[attr-defined]

    assert found == values
    assert len(slots) > 1  # the keys really were spread over the cluster
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0


def test_a_cluster_that_is_down_is_a_logged_cache_miss(
    redis_cluster: ClusterDeployment, on_cluster: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caches["default"].set("page", "cached")
    redis_cluster.stop()

    assert caches["default"].get("page") is None
    assert "{{ cookiecutter.project_slug }}.cache" in {record.name for record in caplog.records}


@pytest.mark.django_db(transaction=True)
def test_the_project_serves_sessions_cache_and_rate_limits_from_the_cluster(
    redis_cluster: ClusterDeployment,
    on_cluster: dict[str, str],
    alice: ApiSession,
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(**on_cluster)
    assert alice.login(server, "alice", PASSWORD).status_code == 200
    served = [serves_everything(alice, server, f"round {n}") for n in range(5)]
    prefix = settings.TEST_RUN_KEY_PREFIX
    keys = [
        key for node in redis_cluster.primaries() for key in redis_cluster.client(node).scan_iter()
    ]

    assert served == [True] * 5
    assert any(key.startswith(f"{prefix}:cache:") for key in keys)
    assert any(key.startswith(settings.RATE_LIMIT_KEY_PREFIX) for key in keys)
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0


def test_a_durable_url_on_a_cluster_node_stops_start_up_saying_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_CLUSTER_NODES", "cache-1:6379,cache-2:6379")
    monkeypatch.setenv("REDIS_DURABLE_URL", "redis://cache-2:6379/0")

    with pytest.raises(
        ImproperlyConfigured, match="REDIS_DURABLE_URL points at cache-2:6379"
    ) as error:
        redis_env()

    assert "CROSSSLOT" in str(error.value)


def test_check_redis_reports_every_slot_served_and_every_node_answering(
    redis_cluster: ClusterDeployment, on_cluster: dict[str, str]
) -> None:
    out = StringIO()

    call_command("check_redis", stdout=out)

    assert "16384/16384 slots served  OK (cluster_state:ok)" in out.getvalue()
    assert out.getvalue().count(" primary\n") == 3
    assert out.getvalue().count(" replica\n") == 3


def test_check_redis_names_a_stopped_replica_and_keys_that_would_cross_slots(
    redis_cluster: ClusterDeployment, on_cluster: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = redis_cluster.replicas()[0]
    stopped.stop()
    monkeypatch.setitem(SAME_SLOT_KEYS, "A two-key script", lambda: ["page", "page-version"])

    report = cluster_diagnose()

    assert report is not None
    assert report.nodes[f"127.0.0.1:{stopped.port}"] == "failing"
    assert [(finding.level, finding.message) for finding in report.findings] == [
        ("warning", f"Cluster nodes not answering: 127.0.0.1:{stopped.port}."),
        (
            "error",
            "A two-key script would cross slots on the cluster (page, page-version): CROSSSLOT.",
        ),
    ]


# A server on the cluster and alice's session key, once she has logged in and been served.
AliceServed = tuple[LiveServer, str]


@pytest.fixture
def alice_served_on_cluster(
    on_cluster: dict[str, str], alice: ApiSession, start_server: Callable[..., LiveServer]
) -> AliceServed:
    server = start_server(**on_cluster)
    assert alice.login(server, "alice", PASSWORD).status_code == 200
    assert serves_everything(alice, server, "before")
    return server, alice.http.cookies[settings.SESSION_COOKIE_NAME]


@pytest.mark.django_db(transaction=True)
def test_the_project_carries_on_when_a_primary_dies_under_traffic(
    redis_cluster: ClusterDeployment, alice: ApiSession, alice_served_on_cluster: AliceServed
) -> None:
    server, session_key = alice_served_on_cluster
    # The primary that holds alice's session: sessions, cache and rate limits all lose it.
    victim = redis_cluster.node_of_key(session_key)
    killed_at = time.monotonic()
    victim.stop()
    passes = [serves_everything(alice, server, "during 0")]
    while not passes[-1]:
        assert time.monotonic() - killed_at < RECOVERY_BOUND_SECONDS, (
            f"no recovery; cluster ok: {redis_cluster.is_ok()}, "
            f"primaries: {[n.port for n in redis_cluster.primaries()]}, victim {victim.port}"
        )
        passes.append(serves_everything(alice, server, f"during {len(passes)}"))
    recovered = time.monotonic() - killed_at
    after = [serves_everything(alice, server, f"after {n}") for n in range(5)]

    # Shown with pytest -s: the figures in docs/scaling-out.md come from here.
    print(
        f"\ncluster failover: {passes.count(False)} failed passes, serving again "
        f"{recovered:.1f} s after the primary died"
    )
    assert after == [True] * 5
    # Its replica is promoted (when no request needed the dead primary, as with sessions in the
    # database, the project served on before the cluster noticed: wait for the cluster too).
    redis_cluster.wait_until(lambda: redis_cluster.is_ok() and len(redis_cluster.primaries()) == 3)
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0


@pytest.mark.django_db(transaction=True)
def test_a_slot_migrated_under_traffic_is_followed_with_no_error_reaching_a_client(
    redis_cluster: ClusterDeployment, alice: ApiSession, alice_served_on_cluster: AliceServed
) -> None:
    server, session_key = alice_served_on_cluster
    # The slot of alice's session and user copy moves to another primary while she works.
    slot = int(redis_cluster.client(redis_cluster.nodes[0]).cluster("KEYSLOT", session_key))
    source = redis_cluster.node_of_key(session_key)
    target = next(node for node in redis_cluster.primaries() if node is not source)
    migration = threading.Thread(target=redis_cluster.migrate_slot, args=(slot, target))
    migration.start()
    passes: list[bool] = []
    while migration.is_alive():
        passes.append(serves_everything(alice, server, f"during {len(passes)}"))
    migration.join()
    after = serves_everything(alice, server, "after")

    assert len(passes) > 0
    assert all(passes)
    assert after
    assert redis_cluster.node_of_key(session_key) is target
    assert errors_counted(redis_cluster, "MOVED") + errors_counted(redis_cluster, "ASK") > 0
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0
