"""The pytest plugin of the harness (the root conftest loads it): fixtures that start processes
for a test and stop them when it ends, and the `system` tier they put their tests in."""

import pkgutil
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from django.db import connections
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.health import probe_threads
from {{ cookiecutter.project_slug }}.testing.caddy import CaddyProxy
from {{ cookiecutter.project_slug }}.testing.certificates import make_certificates
from {{ cookiecutter.project_slug }}.testing.failover import sentinel_settings, serves_everything
from {{ cookiecutter.project_slug }}.testing.pgbouncer import OwnPgBouncer
from {{ cookiecutter.project_slug }}.testing.redis_cluster import ClusterDeployment
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis
from {{ cookiecutter.project_slug }}.testing.sentinel import SentinelDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer
from {{ cookiecutter.project_slug }}.testing.users import PASSWORD, create_user

# A test that uses one of these starts processes of its own: it belongs to the `system` tier.
# A feature's own fixture module (`*_fixtures.py`) adds its process fixtures to the set.
PROCESS_FIXTURES = {
    *("own_redis", "tls_redis", "sentinel_deployment", "start_server", "start_caddy", "page"),
    *("pgbouncer", "two_servers", "redis_cluster"),
}
# What the harness runs: the project (Python, which runs uvicorn and workers with -m; gunicorn),
# redis-servers and sentinels, openssl for certificates, Playwright's driver (node) and Caddy.
PROCESS_PROGRAMS = frozenset(
    (
        *(Path(sys.executable).name, "python", "python3", "gunicorn"),
        *("redis-server", "redis-sentinel", "redis-cli", "openssl", "node", "caddy", "pgbouncer"),
    )
)


def feature_fixture_modules() -> list[str]:
    """The fixture modules of the features this project has: each feature that brings fixtures of
    its own has a `testing/<feature>_fixtures.py`, present exactly when the feature is."""
    here = str(Path(__file__).parent)
    names = [module.name for module in pkgutil.iter_modules([here])]
    return [f"{__package__}.{name}" for name in sorted(names) if name.endswith("_fixtures")]


# Loaded by pytest as plugins of this plugin. Marked for assert rewriting before any is imported:
# one may import another before pytest loads it.
pytest.register_assert_rewrite(*feature_fixture_modules())
pytest_plugins = feature_fixture_modules()
# Fixtures that each give the environment pointing a live server at a stand-in of an outside
# service the project calls: a feature's fixture module adds its own.
STAND_IN_ENV_FIXTURES: list[str] = []


@pytest.hookimpl(tryfirst=True)  # before `-m "not system"` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PROCESS_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.system)


class FastTierGuard:
    """Fails a test outside the `system` tier that starts a process anyway, naming the fix, so
    `make test-fast` stays free of processes as tests are added (an audit hook sees every Popen)."""

    running: pytest.Item | None = None  # the test in progress, unless it is a `system` test

    @classmethod
    def audit(cls, event: str, args: tuple[object, ...]) -> None:
        if event != "subprocess.Popen" or cls.running is None:
            return
        program = str(args[0])
        if Path(program).name in PROCESS_PROGRAMS:
            raise RuntimeError(
                f"{cls.running.nodeid} starts a process ({program}): mark it "
                "@pytest.mark.system (the tier `make test-fast` leaves out)."
            )


sys.addaudithook(FastTierGuard.audit)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    FastTierGuard.running = None if item.get_closest_marker("system") else item
    yield
    FastTierGuard.running = None


@pytest.fixture(autouse=True)
def _health_probes_let_go_of_the_database() -> Iterator[None]:
    """The health probes' threads live on between tests and keep a database connection, as in a
    server; pytest-django could not drop the test database while one is open."""
    yield
    probe_threads.close_connections()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    """A redis-server on a free port that this test may stop, restart or fill."""
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pgbouncer(tmp_path: Path, django_db_setup: None) -> Iterator[OwnPgBouncer]:
    """A PgBouncer in transaction mode with 2 server connections, in front of the test
    database: Supabase's transaction pooler, as far as the app can tell."""
    database = dict(connections["default"].settings_dict)
    pooler = OwnPgBouncer(tmp_path / "pgbouncer.log", database, pool_size=2)
    pooler.start()
    yield pooler
    pooler.stop()


@pytest.fixture
def tls_redis(tmp_path: Path) -> Iterator[tuple[OwnRedis, Path]]:
    """A redis-server that speaks TLS only, with a certificate of a test CA (given with it)."""
    files = make_certificates(tmp_path)
    server = OwnRedis(tmp_path)
    server.extra_args = (
        "--port", "0", "--tls-port", str(server.port), "--tls-auth-clients", "no",
        "--tls-cert-file", str(files["server.crt"]), "--tls-key-file", str(files["server.key"]),
        "--tls-ca-cert-file", str(files["ca.crt"]),
    )  # fmt: skip
    server.start()
    yield server, files["ca.crt"]
    server.stop()


@pytest.fixture
def start_caddy(tmp_path: Path) -> Iterator[Callable[[LiveServer], CaddyProxy]]:
    """Put the project's Caddyfile, run by the machine's caddy, in front of a live server."""
    proxies: list[CaddyProxy] = []

    def start(upstream: LiveServer) -> CaddyProxy:
        proxies.append(CaddyProxy(upstream, tmp_path))
        return proxies[-1].start()

    yield start
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
def sentinel_deployment(tmp_path: Path) -> Iterator[SentinelDeployment]:
    """A master, a replica and three sentinels of this test's own, stopped when it ends."""
    deployment = SentinelDeployment(tmp_path)
    deployment.start()
    yield deployment
    deployment.stop()


@pytest.fixture
def redis_cluster(tmp_path: Path) -> Iterator[ClusterDeployment]:
    """A Redis Cluster of this test's own (3 primaries, 3 replicas), stopped when it ends."""
    deployment = ClusterDeployment(tmp_path)
    deployment.start()
    yield deployment
    deployment.stop()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start the project under uvicorn for this test; every server stops when it ends."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(tmp_path / f"uvicorn-{len(servers)}.log", **env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sentinel_env(sentinel_deployment: SentinelDeployment, settings: Settings) -> dict[str, str]:
    """The settings that put every Redis role behind `sentinel_deployment`'s sentinels: the
    environment for the project's processes, and this test's own settings."""
    return sentinel_settings(sentinel_deployment, settings)


@pytest.fixture
def alice() -> Iterator[ApiSession]:
    """A session for a new user "alice" (password PASSWORD), not yet signed in. Her creation
    writes through the Redis clients: a test under Sentinel asks for `sentinel_env` (or
    `failover_server`) first."""
    create_user("alice")
    session = ApiSession()
    yield session
    session.close()


@pytest.fixture
def failover_server(
    sentinel_env: dict[str, str], alice: ApiSession, start_server: Callable[..., LiveServer]
) -> LiveServer:
    """The project under the sentinels, `alice` signed in and every Redis-backed path answering:
    what a failover test (testing/failover.py) kills the master under."""
    server = start_server(**sentinel_env)
    assert alice.login(server, "alice", PASSWORD).status_code == 200
    assert serves_everything(alice, server, "before")
    return server


# Per minute, for the `two_servers` together.
SCALE_OUT_USER_RATE = 6


@pytest.fixture
def two_servers(start_server: Callable[..., LiveServer], alice: ApiSession) -> list[LiveServer]:
    """Two servers of the project sharing one Redis and one Postgres, with `alice` signed in on
    the first: what the scale-out tests (test_scale_out*.py) start from."""
    servers = [start_server(RATE_LIMIT_USER_RATE=f"{SCALE_OUT_USER_RATE}/min") for _ in range(2)]
    assert alice.login(servers[0], "alice", PASSWORD).status_code == 200
    return servers


@pytest.fixture
def stand_ins_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment pointing a live server at stand-ins of every outside service it calls."""
    env: dict[str, str] = {}
    for fixture in STAND_IN_ENV_FIXTURES:
        env.update(request.getfixturevalue(fixture))
    return env
