"""Redis Cluster mode under the project: its settings on a cluster of the test's own, and what
the cluster's nodes counted. What the cluster tests (core's test_redis_cluster.py, and a
feature's own) start from."""

from pytest_django.fixtures import Settings

from config.env import redis_address

from {{ cookiecutter.project_slug }}.platform.core.redis_config import django_redis_cache
from {{ cookiecutter.project_slug }}.testing.redis_cluster import ClusterDeployment


def cluster_settings(cluster: ClusterDeployment, settings: Settings) -> dict[str, str]:
    """The project's settings with REDIS_CLUSTER_NODES on `cluster`, for this test's process
    (the CACHES entries rebuilt as components/redis.py builds them) and a live server's."""
    env = {"REDIS_CLUSTER_NODES": cluster.addresses}
    settings.REDIS_CLUSTER_NODES = [
        redis_address(entry, variable="REDIS_CLUSTER_NODES", example="")
        for entry in cluster.addresses.split(",")
    ]
    roles = {"default": "cache", "sessions": "sessions"}
    settings.CACHES = {
        alias: django_redis_cache(
            str(entry["LOCATION"]),
            ignore_exceptions=entry["OPTIONS"]["IGNORE_EXCEPTIONS"],
            key_prefix=settings.TEST_RUN_KEY_PREFIX,
            timeout=entry["TIMEOUT"],
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
            ca_certs="",
            sentinels=[],
            sentinel_master="",
            sentinel_password="",
            cluster_nodes=settings.REDIS_CLUSTER_NODES,
            role=roles[alias],
            timed=False,
        )
        for alias, entry in settings.CACHES.items()
    }
    return env


def errors_counted(cluster: ClusterDeployment, error: str) -> int:
    """How many `error` replies (CROSSSLOT, MOVED...) the cluster's nodes sent in all."""
    stats = [cluster.client(node).info("errorstats") for node in cluster.live_nodes()]
    return sum(int(stat.get(f"errorstat_{error}", {}).get("count", 0)) for stat in stats)


def mget_calls(cluster: ClusterDeployment) -> int:
    """MGET commands the cluster's primaries ran, in all."""
    stats = [cluster.client(node).info("commandstats") for node in cluster.primaries()]
    return sum(int(stat.get("cmdstat_mget", {}).get("calls", 0)) for stat in stats)
