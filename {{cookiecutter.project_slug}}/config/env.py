"""The one environment reader: every setting that comes from the environment goes through `env`."""

import warnings
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Only these settings modules may fall back to development defaults; every other one (production,
# or a staging module a team adds later) must get its secrets and URLs from the environment.
# The benchmarks' settings are development settings too (settings/benchmark.py).
SETTINGS_WITH_DEV_DEFAULTS = frozenset(
    {"config.settings.local", "config.settings.test", "config.settings.benchmark"}
)


class SecretFiles(environ.FileAwareMapping):
    """The environment, where `NAME_FILE=/path` gives NAME the file's content (Docker and
    Kubernetes secrets are files): a secret never has to be an environment variable. The file's
    trailing newline (what `echo value > file` and most secret stores write) is not part of it."""

    def __getitem__(self, key: str) -> str:
        value: str = super().__getitem__(key)
        return value.rstrip("\r\n") if self.env.get(f"{key}_FILE") else value


class FileAwareEnv(environ.FileAwareEnv):
    ENVIRON = SecretFiles()


env = FileAwareEnv()


def read_env_file() -> None:
    """Load `.env` for native local runs; variables already in the environment win."""
    env_file = Path(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")))
    if env_file.is_file():
        environ.Env.read_env(env_file, overwrite=False)


def dev_default(value: Any) -> Any:
    """`value` as a default in local and test settings; in any other settings module the
    variable becomes required, so production never runs on a development default."""
    if settings_module() in SETTINGS_WITH_DEV_DEFAULTS:
        return value
    return environ.Env.NOTSET


def settings_module() -> str:
    """The settings module this process runs: the variable Django itself finds them by."""
    module: str = env.str("DJANGO_SETTINGS_MODULE", default="")
    return module


class RenamedVariableWarning(DeprecationWarning):
    """An environment variable was found only under its old name."""


# Python hides DeprecationWarning outside __main__; an operator who never saw this one would learn
# of the rename only when the old name stops being read.
warnings.simplefilter("default", RenamedVariableWarning)


def env_str_renamed(name: str, *, old_name: str, default: Any) -> Any:
    """`name`, else `old_name` (with a RenamedVariableWarning), else `default`."""
    value = env.str(name, default=None)
    if value is not None:
        return value
    old_value = env.str(old_name, default=None)
    if old_value is not None:
        warnings.warn(
            f"The environment variable {old_name} is now called {name}: rename it.",
            RenamedVariableWarning,
            stacklevel=2,
        )
        return old_value
    return env.str(name, default=default)


def csrf_trusted_origins(
    *, cors_origins: list[str], credentials: bool, default: tuple[str, ...] = ()
) -> list[str]:
    """DJANGO_CSRF_TRUSTED_ORIGINS, else `default` and, when CORS sends credentials, the CORS
    origins: a page there that writes with the session cookie passes Django's origin check."""
    origins = [*default, *(cors_origins if credentials else [])]
    trusted: list[str] = env.list(
        "DJANGO_CSRF_TRUSTED_ORIGINS", default=list(dict.fromkeys(origins))
    )
    return trusted


def with_redis_password(url: str) -> str:
    """`url` with REDIS_PASSWORD (or the file REDIS_PASSWORD_FILE names) as its password when it
    carries none: the URLs stay plain configuration, and the password one secret that the Redis
    servers read too (deploy/swarm/stack.yml). A URL with a password keeps its own."""
    password = env.str("REDIS_PASSWORD", default="")
    parts = urlsplit(url)
    if not password or parts.password is not None or not parts.hostname:
        return url
    user, _, server = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{server}"))


class RedisEnv(NamedTuple):
    """The Redis variables more than one settings component needs: read here, each with its one
    default, so no component imports another and their order in base.py does not matter."""

    durable_url: str
    socket_timeout: float
    ssl_ca_certs: str
    key_prefix: str
    sentinels: list[tuple[str, int]]
    sentinel_master: str
    sentinel_password: str
    cluster_nodes: list[tuple[str, int]]


def redis_env() -> RedisEnv:
    """The shared Redis variables; ImproperlyConfigured when the Sentinel ones disagree, or when
    the durable role's URL points at a node of REDIS_CLUSTER_NODES."""
    sentinels = [
        redis_address(entry, variable="REDIS_SENTINELS", example="sentinel-1:26379")
        for entry in env.list("REDIS_SENTINELS", default=[])
    ]
    sentinel_master = env.str("REDIS_SENTINEL_MASTER", default="")
    if sentinels and not sentinel_master:
        raise ImproperlyConfigured(
            "REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is not: set it to the master's name "
            "in the sentinels' configuration (sentinel monitor <name> ...)."
        )
    cluster_nodes = [
        redis_address(entry, variable="REDIS_CLUSTER_NODES", example="cache-1:6379")
        for entry in env.list("REDIS_CLUSTER_NODES", default=[])
    ]
    # Every other role defaults to the durable role's server, on its own database number.
    durable_url = with_redis_password(
        env_str_renamed(
            "REDIS_DURABLE_URL",
            old_name="REDIS_URL",
            default=dev_default("redis://127.0.0.1:6379/0"),
        )
    )
    refuse_cluster_url(durable_url, "REDIS_DURABLE_URL", cluster_nodes=cluster_nodes)
    return RedisEnv(
        durable_url=durable_url,
        # Short socket timeouts: a Redis that stops answering costs a request seconds, not minutes.
        socket_timeout=env.float("REDIS_SOCKET_TIMEOUT", default=2.0),
        # rediss:// verifies the server certificate against the system CAs, or this bundle.
        ssl_ca_certs=env.str("REDIS_SSL_CA_CERTS", default=""),
        # The cache's key prefix; the other roles' default key prefixes start with it too.
        key_prefix=env_str_renamed(
            "REDIS_KEY_PREFIX",
            old_name="CACHE_KEY_PREFIX",
            default="{{ cookiecutter.project_slug }}",
        ),
        sentinels=sentinels,
        sentinel_master=sentinel_master,
        sentinel_password=env.str("REDIS_SENTINEL_PASSWORD", default=""),
        # Redis Cluster (docs/scaling-out.md): the cache, sessions{% if cookiecutter.use_realtime == "y" %}, realtime{% endif %} and rate-limit roles.
        cluster_nodes=cluster_nodes,
    )


def redis_address(entry: str, *, variable: str, example: str) -> tuple[str, int]:
    """One `host:port` entry of `variable` (REDIS_SENTINELS, REDIS_CLUSTER_NODES), as redis-py
    takes it."""
    host, _, port = entry.strip().rpartition(":")
    if not host or not port.isdigit():
        raise ImproperlyConfigured(f"{variable} entry {entry!r} is not host:port (e.g. {example}).")
    return host, int(port)


def refuse_cluster_url(url: str, variable: str, *, cluster_nodes: list[tuple[str, int]]) -> None:
    """ImproperlyConfigured when `url` (a role that stays off the cluster) names a node of
    REDIS_CLUSTER_NODES."""
    address = urlsplit(url)
    if (address.hostname, address.port or 6379) in cluster_nodes:
        raise ImproperlyConfigured(
            f"{variable} points at {address.hostname}:{address.port or 6379}, a node of "
            "REDIS_CLUSTER_NODES, but it needs a standalone or Sentinel Redis: the durable role's "
            "multi-key commands and scripts would fail with CROSSSLOT on a cluster"
{%- if cookiecutter.use_celery == "y" %}
            ", and Celery's transport (kombu) has no Redis Cluster support (celery#2852)"
{%- endif %}
            ". Give it a Redis of its own."
        )
