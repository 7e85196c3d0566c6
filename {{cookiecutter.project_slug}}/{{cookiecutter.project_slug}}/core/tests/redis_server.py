"""A redis-server of the test's own, on a free port: tests may stop, restart or fill it
without touching the shared Redis. And a Sentinel deployment of them: a master, a replica and
three sentinels, for failover tests."""

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError


def free_port() -> int:
    """A local port nothing listens on (bound, read, released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def listening(port: int) -> bool:
    """Whether something accepts connections on this local port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class OwnRedis:
    def __init__(self, workdir: Path, *extra_args: str, config: str = "") -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: install Redis to run the outage tests.")
        self.binary = binary
        self.workdir = workdir
        self.extra_args = extra_args
        self.port = free_port()
        # A configuration file comes first on the command line (sentinels must have one: they
        # rewrite it with what they learn).
        self.config_file = workdir / f"redis-{self.port}.conf"
        self.config_file.write_text(config)
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0, password: str | None = None) -> str:
        credentials = f":{password}@" if password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        args = [self.binary, str(self.config_file), "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.workdir), *self.extra_args]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 10
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def make_certificates(directory: Path) -> dict[str, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 that it signed."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed: it makes the TLS test's certificates.")
    ca_key, ca_crt = directory / "ca.key", directory / "ca.crt"
    key, csr, crt = directory / "server.key", directory / "server.csr", directory / "server.crt"
    extensions = directory / "extensions"
    extensions.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost")
    new_key = ["-newkey", "rsa:2048", "-nodes", "-days", "1"]
    for args in (
        ["req", "-x509", *new_key, "-subj", "/CN=TestCA", "-keyout", ca_key, "-out", ca_crt],
        ["req", *new_key, "-subj", "/CN=localhost", "-keyout", key, "-out", csr],
        ["x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial"],
    ):
        if args[0] == "x509":
            args += ["-days", "1", "-extfile", extensions, "-out", crt]
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)  # noqa: S603, S607
    return {"ca.crt": ca_crt, "server.key": key, "server.crt": crt}


def tls_server_args(certificates: dict[str, Path]) -> tuple[str, ...]:
    """TLS only (no plain port), also to the master and from sentinels (tls-replication)."""
    return (
        "--port", "0", "--tls-auth-clients", "no", "--tls-replication", "yes",
        "--tls-cert-file", str(certificates["server.crt"]),
        "--tls-key-file", str(certificates["server.key"]),
        "--tls-ca-cert-file", str(certificates["ca.crt"]),
    )  # fmt: skip


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
        assert master.execute_command("WAIT", 1, 5000) == 1

    def kill_master(self) -> None:
        self.master.stop()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30) -> float:
        """Seconds until `condition` held; fails the test after `timeout`."""
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > timeout:
                pytest.fail(f"Sentinel deployment: condition not met within {timeout} s")
            time.sleep(0.1)
        return time.monotonic() - started
