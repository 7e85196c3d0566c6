"""django-redis's client on a Redis Cluster (REDIS_CLUSTER_NODES), for the cache and sessions.

A thin subclass of the project's cache client (core/cache_client.py, django-redis's DefaultClient)
on redis-py's RedisCluster, rather than django-valkey's cluster backend: django-valkey is built on
valkey-py, a second Redis client beside the redis-py every other role (rate limiter, health checks,
metrics) uses, and its cluster client was still unreleased work in progress. DefaultClient already
gives the project's behaviour (JSON values, ignored exceptions logged by the cache, key prefixes);
only three things change on a cluster:

- the connection: one RedisCluster per process (core/redis_clients.py), shared by every thread's
  client, at most MAX_CONNECTIONS_PER_ROLE connections per node;
- get_many: one MGET per slot (keys that share a hash tag, like a session and its user copy,
  still travel in one MGET);
- clear: deletes the keys under this cache's prefix, on every primary. FLUSHDB would empty the
  whole cluster, sessions and rate limits included.
"""

from collections.abc import Collection
from typing import Any

from django_redis.client.default import glob_escape
from django_redis.exceptions import ConnectionInterrupted
from redis import Redis
from redis.exceptions import RedisClusterException, RedisError

from {{ cookiecutter.project_slug }}.platform.core.cache_client import ProjectCacheClient
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import cluster_client

# Keys deleted per DEL by clear() (RedisCluster splits each batch by slot).
CLEAR_BATCH = 500


class ClusterCacheClient(ProjectCacheClient):
    def connect(self, index: int = 0) -> Redis:
        try:
            client: Any = cluster_client(self._server[index])
        except RedisError as error:  # no startup node answered: the cache is down
            raise ConnectionInterrupted(connection=None) from error
        return client  # type: ignore[no-any-return]

    def get_many(
        self, keys: Collection[str], version: int | None = None, client: Redis | None = None
    ) -> dict[str, Any]:
        cluster: Any = client or self.get_client(write=False)  # a RedisCluster
        if not keys:
            return {}
        by_key = {self.make_key(key, version=version): key for key in keys}
        try:
            values = cluster.mget_nonatomic(list(by_key))
        except (RedisError, RedisClusterException) as error:
            raise ConnectionInterrupted(connection=cluster) from error
        return {
            by_key[key]: self.decode(value)
            for key, value in zip(by_key, values, strict=True)
            if value is not None
        }

    def clear(self, client: Redis | None = None) -> None:
        if client is None:
            client = self.get_client(write=True)
        pattern = f"{glob_escape(self._backend.key_prefix)}:*"
        try:
            batch: list[Any] = []
            for key in client.scan_iter(match=pattern, count=CLEAR_BATCH):
                batch.append(key)
                if len(batch) == CLEAR_BATCH:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        except (RedisError, RedisClusterException) as error:
            raise ConnectionInterrupted(connection=client) from error
