"""A Redis Cluster of the test's own: 3 primaries and 3 replicas on loopback, made by
`redis-cli --cluster create`, for cluster-mode and failover tests."""

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.testing.ports import free_port
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.waiting import seconds_until

CLUSTER_SLOTS = 16384


class ClusterDeployment:
    """Six `redis-server --cluster-enabled yes` nodes; `redis-cli --cluster create` makes the
    first three primaries and gives each a replica. A primary silent for 1 s is failed over."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.nodes = [OwnRedis(workdir) for _ in range(6)]
        taken = {node.port for node in self.nodes}
        for index, node in enumerate(self.nodes):
            # Each node rewrites its own nodes file with what it learns of the others. The bus
            # port is a free port of its own (the default, port + 10000, may lie beyond 65535),
            # none of the nodes' ports: those are not listened on yet.
            bus_port = free_port()
            while bus_port in taken:
                bus_port = free_port()
            taken.add(bus_port)
            node.extra_args = (
                *("--cluster-enabled", "yes", "--cluster-node-timeout", "1000"),
                *("--cluster-config-file", str(workdir / f"nodes-{index}.conf")),
                *("--cluster-port", str(bus_port)),
            )

    @property
    def addresses(self) -> str:
        """REDIS_CLUSTER_NODES for the project."""
        return ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def start(self) -> None:
        for node in self.nodes:
            node.start()
        self._create()
        # A replica still in its first sync cannot be promoted: wait until each has synced.
        self.wait_until(lambda: self.is_ok() and self._replicas_synced())

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def _create(self) -> None:
        cli = shutil.which("redis-cli")
        if cli is None:
            pytest.fail("redis-cli is not installed: install Redis to run the cluster tests.")
        hosts = [f"127.0.0.1:{node.port}" for node in self.nodes]
        args = [cli, "--cluster", "create", *hosts, "--cluster-replicas", "1", "--cluster-yes"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
        if result.returncode != 0:
            pytest.fail(f"redis-cli --cluster create failed:\n{result.stdout}{result.stderr}")

    def client(self, node: OwnRedis) -> Redis:
        return Redis(port=node.port, socket_timeout=1, decode_responses=True)

    def is_ok(self) -> bool:
        """Every live node says `cluster_state:ok` and sees all slots assigned."""
        try:
            infos = [self.client(node).cluster("INFO") for node in self.live_nodes()]
        except RedisError:
            return False
        return all(
            info["cluster_state"] == "ok" and int(info["cluster_slots_ok"]) == CLUSTER_SLOTS
            for info in infos
        )

    def _replicas_synced(self) -> bool:
        links = [self.client(node).info("replication") for node in self.replicas()]
        return len(links) == 3 and all(link["master_link_status"] == "up" for link in links)

    def live_nodes(self) -> list[OwnRedis]:
        return [node for node in self.nodes if node.process is not None]

    def primaries(self) -> list[OwnRedis]:
        """The live nodes that serve slots now (a promoted replica among them)."""
        return [node for node in self.live_nodes() if self._role(node) == "master"]

    def replicas(self) -> list[OwnRedis]:
        return [node for node in self.live_nodes() if self._role(node) == "slave"]

    def _role(self, node: OwnRedis) -> str:
        role: str = self.client(node).role()[0]
        return role

    def node_of_key(self, key: str) -> OwnRedis:
        """The primary that owns `key`'s slot now."""
        any_node = self.client(self.live_nodes()[0])
        slot = int(any_node.cluster("KEYSLOT", key))
        for start, end, primary, *_ in any_node.cluster("SLOTS"):
            if start <= slot <= end:
                return next(node for node in self.nodes if node.port == int(primary[1]))
        raise LookupError(f"No primary owns slot {slot}")

    def node_id(self, node: OwnRedis) -> str:
        node_id: str = self.client(node).cluster("MYID")
        return node_id

    def migrate_slot(self, slot: int, target: OwnRedis, pause: float = 0.05) -> None:
        """Move `slot` and its keys to the primary `target` as `redis-cli --cluster reshard`
        does, a key at a time with `pause` between: meanwhile clients get ASK for the keys
        already moved, and MOVED once the slot is the target's."""
        source = next(node for node in self.primaries() if slot in self._slots_of(node))
        src, dst = self.client(source), self.client(target)
        dst.cluster("SETSLOT", slot, "IMPORTING", self.node_id(source))
        src.cluster("SETSLOT", slot, "MIGRATING", self.node_id(target))
        while keys := src.cluster("GETKEYSINSLOT", slot, 1):
            src.migrate("127.0.0.1", target.port, keys, 0, 5000)
            time.sleep(pause)
        for node in self.primaries():
            self.client(node).cluster("SETSLOT", slot, "NODE", self.node_id(target))

    def _slots_of(self, node: OwnRedis) -> set[int]:
        ranges = self.client(node).cluster("SLOTS")
        return {
            slot
            for start, end, primary, *_ in ranges
            if int(primary[1]) == node.port
            for slot in range(start, end + 1)
        }

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30) -> float:
        """Seconds until `condition` held; fails the test after `timeout`."""
        return seconds_until(condition, timeout=timeout, what="Redis Cluster")
