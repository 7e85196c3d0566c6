"""Redis Cluster mode (REDIS_CLUSTER_NODES): the cache, sessions, rate-limit and realtime roles
on a cluster of the test's own, 3 primaries and 3 replicas."""

import pytest

from {{ cookiecutter.project_slug }}.testing.redis_cluster import CLUSTER_SLOTS, ClusterDeployment

# Every test starts a cluster of its own.
pytestmark = pytest.mark.system


def test_the_harness_cluster_covers_every_slot_with_three_primaries_each_replicated(
    redis_cluster: ClusterDeployment,
) -> None:
    info = redis_cluster.client(redis_cluster.nodes[0]).cluster("INFO")

    assert info["cluster_state"] == "ok"
    assert int(info["cluster_slots_assigned"]) == CLUSTER_SLOTS
    assert int(info["cluster_known_nodes"]) == 6
    assert len(redis_cluster.primaries()) == 3
    assert len(redis_cluster.replicas()) == 3
