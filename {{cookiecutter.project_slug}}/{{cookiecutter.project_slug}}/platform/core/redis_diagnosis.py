"""What `manage.py check_redis` finds out about each Redis role, and what to do about it."""

import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from redis import Redis
from redis.exceptions import (
    AuthenticationError,
    AuthenticationWrongNumberOfArgsError,
    RedisClusterException,
    RedisError,
    ResponseError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.utils import HIREDIS_AVAILABLE

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    SAME_SLOT_KEYS,
    cluster_client,
    cluster_node_client,
    cluster_roles,
    redis_client,
    redis_role_urls,
    sentinel_manager,
)

EVICTING_IS_FINE = {"cache"}
CLUSTER_SLOTS = 16384
NAME_RESOLUTION_ERRORS = ("Name or service not known", "name resolution", "nodename nor servname")
PING_SAMPLES = 5


@dataclass
class Finding:
    level: Literal["error", "warning"]
    message: str
    hint: str


@dataclass
class RoleReport:
    role: str
    url: str
    server_version: str | None = None
    maxmemory: int | None = None
    maxmemory_policy: str | None = None
    persistence: dict[str, Any] = field(default_factory=dict)
    hiredis: bool = HIREDIS_AVAILABLE
    ping_ms: float | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(finding.level == "error" for finding in self.findings)


@dataclass
class SentinelReport:
    master_name: str
    master: str | None = None
    replicas: list[str] = field(default_factory=list)
    sentinels_answering: list[str] = field(default_factory=list)
    sentinels_configured: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(finding.level == "error" for finding in self.findings)


@dataclass
class ClusterReport:
    state: str | None = None
    slots_served: int = 0
    nodes: dict[str, str] = field(default_factory=dict)  # host:port: primary, replica or failing
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(finding.level == "error" for finding in self.findings)


def masked(url: str) -> str:
    """`url` with its password replaced, fit for logs and terminals."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def connection_finding(error: Exception, url: str) -> Finding:
    """Turn a failure to talk to Redis into advice on its usual causes."""
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or 6379}"
    text = str(error).rstrip(".")
    if isinstance(error, AuthenticationWrongNumberOfArgsError) or "without any password" in text:
        return Finding(
            "error",
            f"{where} has no password set, but the URL gives one.",
            "Remove the password from the URL, or set requirepass on the server.",
        )
    if isinstance(error, AuthenticationError) or "NOAUTH" in text or "WRONGPASS" in text:
        return Finding(
            "error",
            f"{where} refused the credentials ({text}).",
            "Put the server's password in the URL: redis://:<password>@host:port/db "
            "(REDIS_DURABLE_URL or the role's own variable).",
        )
    if isinstance(error, ImportError):
        return Finding(
            "error",
            f"The client could not be built: {text}.",
            "Remove PARSER_CLASS from CACHES OPTIONS: redis-py picks hiredis by itself.",
        )
    if any(marker in text for marker in NAME_RESOLUTION_ERRORS):
        hint = (
            "The host 'redis' only resolves inside docker compose's network; outside Docker "
            "use 127.0.0.1, e.g. REDIS_DURABLE_URL=redis://127.0.0.1:6379/0."
            if parts.hostname == "redis"
            else "Check the host name in the URL."
        )
        return Finding("error", f"The host {parts.hostname!r} does not resolve.", hint)
    if isinstance(error, RedisTimeoutError):
        return Finding(
            "error",
            f"{where} did not answer in time ({text}).",
            "Check the port, firewalls and the server's load (REDIS_SOCKET_TIMEOUT).",
        )
    if isinstance(error, RedisConnectionError):
        return Finding(
            "error",
            f"Nothing accepted a connection at {where} ({text}).",
            "Start Redis (docker compose up redis, or redis-server) or fix the URL's host/port.",
        )
    return Finding("error", f"{type(error).__name__}: {text}", "See the Redis server log.")


def _round_trip(client: Redis) -> Finding | None:
    """SET, GET, PEXPIRE/PTTL and DEL a throwaway key (no sleeping to watch it expire)."""
    key = f"{settings.REDIS_KEY_PREFIX}:check_redis:{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    try:
        client.set(key, token, px=60_000)
        read_back = client.get(key)
        client.pexpire(key, 5_000)
        ttl_ms = client.pttl(key)
    finally:
        client.delete(key)
    if read_back != token.encode():
        return Finding(
            "error",
            "A value written was not read back.",
            "Another client may be rewriting keys in this database: check the URL's db number.",
        )
    if not 0 < ttl_ms <= 5_000:
        return Finding(
            "error",
            f"Expiry did not take (PTTL {ttl_ms} ms).",
            "Check the server version and its configuration.",
        )
    return None


def _server_facts(client: Redis, report: RoleReport) -> None:
    report.server_version = client.info("server")["redis_version"]
    memory = client.info("memory")
    report.maxmemory = int(memory.get("maxmemory", 0))
    report.maxmemory_policy = str(memory.get("maxmemory_policy", "unknown"))
    persistence = client.info("persistence")
    report.persistence = {"aof_enabled": bool(persistence.get("aof_enabled", 0))}
    try:
        report.persistence["rdb_save"] = client.config_get("save").get("save", "")
    except ResponseError:  # managed services often disable CONFIG
        report.persistence["rdb_save"] = "unknown"
    samples = []
    for _ in range(PING_SAMPLES):
        started = time.perf_counter()
        client.ping()
        samples.append((time.perf_counter() - started) * 1000)
    report.ping_ms = round(statistics.median(samples), 3)


def _policy_finding(report: RoleReport) -> Finding | None:
    """Eviction only happens once maxmemory is set; then the policy must fit the role."""
    if not report.maxmemory:
        return None
    if report.role in EVICTING_IS_FINE:
        if report.maxmemory_policy == "noeviction":
            return Finding(
                "warning",
                "The cache runs with maxmemory and noeviction: writes fail with OOM once full.",
                "Use maxmemory-policy allkeys-lru on the cache's Redis.",
            )
        return None
    if report.maxmemory_policy != "noeviction":
        return Finding(
            "warning",
            f"The {report.role} role is on a Redis that evicts keys ({report.maxmemory_policy}): "
            "its data can vanish under memory pressure.",
            "Put it on a Redis with maxmemory-policy noeviction (the durable instance).",
        )
    return None


def redis_role_diagnose(*, role: str, url: str) -> RoleReport:
    report = RoleReport(role=role, url=masked(url))
    try:
        client = redis_client(role)
        client.ping()
        round_trip = _round_trip(client)
        _server_facts(client, report)
    except (RedisError, ImportError, OSError) as error:
        report.findings.append(connection_finding(error, url))
        return report
    for finding in (round_trip, _policy_finding(report)):
        if finding:
            report.findings.append(finding)
    return report


def redis_diagnose() -> list[RoleReport]:
    """A report for every configured Redis role."""
    return [redis_role_diagnose(role=role, url=url) for role, url in redis_role_urls().items()]


def _address(host: str, port: int) -> str:
    return f"{host}:{port}"


def sentinel_diagnose() -> SentinelReport | None:
    """Which master the sentinels name now, its replicas, and which sentinels answer."""
    if not settings.REDIS_SENTINELS:
        return None
    manager = sentinel_manager()
    report = SentinelReport(
        master_name=settings.REDIS_SENTINEL_MASTER,
        sentinels_configured=[_address(*address) for address in settings.REDIS_SENTINELS],
    )
    for address, sentinel in zip(report.sentinels_configured, manager.sentinels, strict=True):
        try:
            sentinel.ping()
            report.sentinels_answering.append(address)
        except RedisError:
            continue
    try:
        master = manager.discover_master(report.master_name)  # type: ignore[no-untyped-call, unused-ignore]
        replicas = manager.discover_slaves(report.master_name)  # type: ignore[no-untyped-call, unused-ignore]
    except RedisError as error:
        # redis-py lists every sentinel's client in the message: keep its first clause.
        reason = str(error).split(" : ", 1)[0]
        if "AuthenticationError" in str(error):
            reason = "the sentinels refused the credentials"
        report.findings.append(
            Finding(
                "error",
                f"No sentinel named a master {report.master_name!r}: {reason}.",
                "Check REDIS_SENTINELS and that REDIS_SENTINEL_MASTER is the name in the "
                "sentinels' 'sentinel monitor' line (and REDIS_SENTINEL_PASSWORD).",
            )
        )
        return report
    report.master = _address(*cast(tuple[str, int], master))
    report.replicas = [_address(*cast(tuple[str, int], replica)) for replica in replicas]
    if len(report.sentinels_answering) < len(report.sentinels_configured):
        report.findings.append(
            Finding(
                "warning",
                f"Only {len(report.sentinels_answering)} of {len(report.sentinels_configured)} "
                "sentinels answer: a failover needs a majority of them.",
                "Start the missing sentinels or remove them from REDIS_SENTINELS.",
            )
        )
    if not report.replicas:
        report.findings.append(
            Finding(
                "warning",
                "The master has no replica: there is nothing to fail over to.",
                "Add a replica (replicaof <master> <port>) that the sentinels monitor.",
            )
        )
    return report


def cluster_diagnose() -> ClusterReport | None:
    """Whether the Redis Cluster serves every slot, which of its nodes answer, and whether any
    multi-key command or script of the project would cross slots."""
    roles = cluster_roles()
    if not roles:
        return None
    url = next(iter(roles.values()))
    report = ClusterReport()
    try:
        client = cluster_client(url)
        info, nodes = client.cluster_info(), client.cluster_nodes()
    except (RedisError, RedisClusterException) as error:
        report.findings.append(connection_finding(error, url))
        return report
    report.state, report.slots_served = info["cluster_state"], int(info["cluster_slots_ok"])
    if report.state != "ok" or report.slots_served < CLUSTER_SLOTS:
        report.findings.append(
            Finding(
                "error",
                f"The cluster serves {report.slots_served} of {CLUSTER_SLOTS} slots "
                f"(cluster_state:{report.state}): commands on the others fail.",
                "Bring back the primary of the missing slots, or assign them (redis-cli "
                "--cluster fix <node>).",
            )
        )
    for address, node in nodes.items():
        address = address.split("@")[0]  # host:port@bus-port in some versions
        report.nodes[address] = _node_state(address, node, url)
    failing = [address for address, state in report.nodes.items() if state == "failing"]
    if failing:
        report.findings.append(
            Finding(
                "warning",
                f"Cluster nodes not answering: {', '.join(failing)}.",
                "Start them again, or forget them (CLUSTER FORGET) once replaced.",
            )
        )
    report.findings += _cross_slot_findings(client)
    return report


def _node_state(address: str, node: dict[str, Any], url: str) -> str:
    try:
        cluster_node_client(address, url).ping()
    except RedisError:
        return "failing"
    return "primary" if "master" in str(node.get("flags", "")) else "replica"


def _cross_slot_findings(client: Any) -> list[Finding]:
    findings = []
    for name, sample in SAME_SLOT_KEYS.items():
        keys = sample()
        slots = {client.keyslot(key) for key in keys}
        if len(slots) > 1:
            findings.append(
                Finding(
                    "error",
                    f"{name} would cross slots on the cluster ({', '.join(keys)}): CROSSSLOT.",
                    "Give the keys one hash tag ({...}) so they share a slot.",
                )
            )
    return findings
