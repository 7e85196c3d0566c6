"""A Sentinel deployment of the test's own: a master, a replica and three sentinels on loopback,
for failover tests."""

from collections.abc import Callable
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.testing.certificates import tls_server_args
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.waiting import seconds_until

SENTINEL_MASTER = "{{ cookiecutter.project_slug }}-master"


class SentinelDeployment:
    """A master, a replica of it and three sentinels (quorum 2) on loopback. The sentinels
    call a master down after 1 s without an answer, so a failover takes a few seconds."""

    def __init__(
        self,
        workdir: Path,
        password: str = "",
        sentinel_password: str = "",
        certificates: dict[str, Path] | None = None,
    ) -> None:
        """With `certificates`, master and replica speak TLS only; the sentinels listen in plain
        TCP and reach them over TLS."""
        self.password, self.sentinel_password = password, sentinel_password
        self.certificates = certificates
        auth = ("--requirepass", password, "--masterauth", password) if password else ()
        tls = tls_server_args(certificates) if certificates else ()
        self.master = OwnRedis(workdir, *auth)
        self.replica = OwnRedis(workdir, "--replicaof", "127.0.0.1", str(self.master.port), *auth)
        for server in (self.master, self.replica):
            # The TLS port is the server's port: the one the sentinels hand out to clients.
            server.extra_args += (*tls, "--tls-port", str(server.port)) if tls else ()
        monitor = (
            f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {self.master.port} 2\n"
            f"sentinel down-after-milliseconds {SENTINEL_MASTER} 1000\n"
            f"sentinel failover-timeout {SENTINEL_MASTER} 5000\n"
        )
        if password:
            monitor += f"sentinel auth-pass {SENTINEL_MASTER} {password}\n"
        if sentinel_password:
            # The sentinels' own password; they also use it to talk to each other.
            monitor += (
                f"requirepass {sentinel_password}\nsentinel sentinel-pass {sentinel_password}\n"
            )
        sentinel_tls = tls[2:] if tls else ()  # all but "--port 0": sentinels listen in plain TCP
        self.sentinels = [
            OwnRedis(workdir, "--sentinel", *sentinel_tls, config=monitor) for _ in range(3)
        ]

    @property
    def addresses(self) -> str:
        """REDIS_SENTINELS for the project."""
        return ",".join(f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels)

    def start(self) -> None:
        self.master.start()
        self.replica.start()
        for sentinel in self.sentinels:
            sentinel.start()
        self.wait_until(lambda: self.master_port() == self.master.port and self._replica_seen())

    def stop(self) -> None:
        for server in (*self.sentinels, self.replica, self.master):
            server.stop()

    def master_port(self) -> int | None:
        """The master's port, as the first sentinel that answers names it."""
        for sentinel in self.sentinels:
            try:
                client = self._sentinel_client(sentinel)
                address = client.sentinel_get_master_addr_by_name(SENTINEL_MASTER)
            except RedisError:
                continue
            return int(address[1]) if isinstance(address, (list, tuple)) else None
        return None

    def _sentinel_client(self, sentinel: OwnRedis) -> Redis:
        password = self.sentinel_password or None
        return Redis(port=sentinel.port, password=password, socket_timeout=1, decode_responses=True)

    def _replica_seen(self) -> bool:
        client = self._sentinel_client(self.sentinels[0])
        return len(client.sentinel_slaves(SENTINEL_MASTER)) == 1

    def wait_for_replication(self) -> None:
        """Block until the replica has every write made so far (WAIT 1)."""
        ca = str(self.certificates["ca.crt"]) if self.certificates else None
        master = Redis(
            port=self.master.port, password=self.password or None, ssl=bool(ca), ssl_ca_certs=ca
        )
        assert master.wait(1, 5000) == 1

    def kill_master(self) -> None:
        self.master.stop()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30) -> float:
        """Seconds until `condition` held; fails the test after `timeout`."""
        return seconds_until(condition, timeout=timeout, what="Sentinel deployment")
