"""A Sentinel failover under the running project: the sentinels' settings (the `sentinel_env`
fixture), and killing the master then waiting for the project to serve again. What the failover
tests (core/tests/test_sentinel.py, and a feature's own failover test) start from."""

import time

import httpx
from pytest_django.fixtures import Settings

from config.env import redis_address

from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL
from {{ cookiecutter.project_slug }}.testing.sentinel import SENTINEL_MASTER, SentinelDeployment
from {{ cookiecutter.project_slug }}.testing.servers import ApiSession, LiveServer

# Sentinel calls the master down after 1 s and then elects and promotes: a few seconds in all.
RECOVERY_BOUND_SECONDS = 30


def sentinel_settings(
    sentinel_deployment: SentinelDeployment, settings: Settings
) -> dict[str, str]:
    """The settings that put every Redis role behind the sentinels, for the project's processes
    and for this test's own (which watches worker heartbeats through the durable role)."""
    env = {
        "REDIS_SENTINELS": sentinel_deployment.addresses,
        "REDIS_SENTINEL_MASTER": SENTINEL_MASTER,
        # Under Sentinel a URL gives only the database (and password): the host is a label.
        "REDIS_DURABLE_URL": f"redis://{SENTINEL_MASTER}/0",
    }
    settings.REDIS_SENTINELS = [
        redis_address(a, variable="REDIS_SENTINELS", example="")
        for a in env["REDIS_SENTINELS"].split(",")
    ]
    settings.REDIS_SENTINEL_MASTER = SENTINEL_MASTER
    settings.REDIS_DURABLE_URL = env["REDIS_DURABLE_URL"]
    return env


def serves_everything(alice: ApiSession, server: LiveServer, title: str) -> bool:
    """One pass over the Redis-backed paths: the session (sessions role), a write that
    invalidates the cached list and the read that refills it (cache), and the limiter's answer
    (rate_limit). False while any of them fails."""
    try:
        created = alice.post(server, HARNESS_URL, {"name": title})
        listed = alice.get(server, HARNESS_URL)
    except httpx.HTTPError:
        return False
    if created.status_code != 201 or listed.status_code != 200:
        return False
    return listed.json()["name"] == title and "RateLimit" in listed.headers


def fail_over_and_recover(
    deployment: SentinelDeployment, alice: ApiSession, server: LiveServer
) -> None:
    """Kill the master once everything written so far is on the replica; return when the
    project serves again, and print how long each step took (docs/scaling-out.md quotes them)."""
    deployment.wait_for_replication()
    killed_at = time.monotonic()
    deployment.kill_master()
    promoted = deployment.wait_until(
        lambda: deployment.master_port() == deployment.replica.port,
        timeout=RECOVERY_BOUND_SECONDS,
    )
    attempt = iter(range(10_000))
    deployment.wait_until(
        lambda: serves_everything(alice, server, f"after failover {next(attempt)}"),
        timeout=RECOVERY_BOUND_SECONDS,
    )
    # Shown with pytest -s: the figures in docs/scaling-out.md come from here.
    print(
        f"\nfailover: replica promoted {promoted:.1f} s after the master died; "
        f"project serving again at {time.monotonic() - killed_at:.1f} s"
    )
