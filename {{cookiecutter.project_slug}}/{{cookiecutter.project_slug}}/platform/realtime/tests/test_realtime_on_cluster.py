"""Event streams on a Redis Cluster (REDIS_CLUSTER_NODES), served by a live server: events
published through realtime_publish arrive over sharded pub/sub (SSUBSCRIBE per channel, no
pattern), Last-Event-ID replays, the connection leases cap a user's streams, a recheck closes a
deactivated user's streams at once, and a stream carries on through the failover of the primary
that owns its channel. The cluster's nodes count no CROSSSLOT reply."""

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.accounts.tests.factories import UserFactory
from {{ cookiecutter.project_slug }}.platform.core.redis_diagnosis import cluster_diagnose
from {{ cookiecutter.project_slug }}.platform.core.tests.cluster import (
    cluster_settings,
    errors_counted,
)
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    pubsub_channel,
    user_channel,
)
from {{ cookiecutter.project_slug }}.platform.realtime.selectors import (
    address_connection_lease_count,
    connection_lease_count,
)
from {{ cookiecutter.project_slug }}.platform.realtime.services import (
    realtime_publish,
    streams_recheck,
)
from {{ cookiecutter.project_slug }}.platform.realtime.tests.test_stream_limits import (
    stream_url,
    try_to_open,
)
from {{ cookiecutter.project_slug }}.testing.failover import RECOVERY_BOUND_SECONDS
from {{ cookiecutter.project_slug }}.testing.redis_cluster import ClusterDeployment
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer
from {{ cookiecutter.project_slug }}.testing.sse import SseClient

# The live server is another process: it reads only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_cluster(redis_cluster: ClusterDeployment, settings: Settings) -> dict[str, str]:
    return cluster_settings(redis_cluster, settings)


@pytest.fixture
def user(on_cluster: dict[str, str]) -> User:
    """Created once the realtime role is on the cluster (saving a user writes through it)."""
    return UserFactory.create()


def shard_subscribers(cluster: ClusterDeployment, channel: str) -> int:
    """Sharded subscriptions to `channel` on the primary that owns it."""
    owner = cluster.client(cluster.node_of_key(channel))
    return int(dict(owner.pubsub_shardnumsub(channel))[channel])


def pattern_subscriptions(cluster: ClusterDeployment) -> int:
    return sum(int(cluster.client(node).pubsub_numpat()) for node in cluster.live_nodes())


def test_streams_on_the_cluster_deliver_replay_and_are_capped_per_user(
    redis_cluster: ClusterDeployment,
    on_cluster: dict[str, str],
    user: User,
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(**on_cluster, REALTIME_MAX_STREAMS_PER_USER="2")
    channel = user_channel(user.pk)

    async def scenario() -> tuple[SseClient, SseClient, tuple[int, str | None], list[int]]:
        live, replayed = SseClient(), SseClient()
        async with httpx.AsyncClient() as http:
            first = asyncio.create_task(live.run(http, stream_url(server, user), {}))
            await asyncio.wait_for(live.connected.wait(), timeout=20)
            ids = [
                await asyncio.to_thread(realtime_publish, channel=channel, event=f"e{n}", data={})
                for n in range(2)
            ]
            await live.wait_for(2)
            assert ids[0] is not None
            second = asyncio.create_task(
                replayed.run(http, stream_url(server, user), {"Last-Event-ID": ids[0]})
            )
            await replayed.wait_for(1)
            refused = await try_to_open(http, stream_url(server, user))
            held = [  # the refused stream gave back the address lease it took
                shard_subscribers(redis_cluster, pubsub_channel(channel)),
                connection_lease_count(user_id=user.pk),
                address_connection_lease_count(address="127.0.0.1"),
            ]
            await asyncio.to_thread(deactivate_and_recheck, user)
            done, _ = await asyncio.wait([first, second], timeout=10)
        assert len(done) == 2, "a recheck closes the streams within a round trip"
        return live, replayed, refused, held

    live, replayed, refused, held = asyncio.run(scenario())
    report = cluster_diagnose()

    assert [name for name, _, _ in live.events] == ["e0", "e1", "stream.closed"]
    assert [name for name, _, _ in replayed.events] == ["e1", "stream.closed"]
    assert refused == (429, "too_many_streams")
    # One sharded subscription for the user's two streams; their two leases of each cap.
    assert held == [1, 2, 2]
    assert pattern_subscriptions(redis_cluster) == 0
    assert report is not None
    assert not [finding.message for finding in report.findings if "cross slots" in finding.message]
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0


def deactivate_and_recheck(user: User) -> None:
    user.is_active = False
    user.save()
    streams_recheck(user_id=user.pk)  # not waiting for the streams' next renewal (15 s)


def test_a_stream_on_the_cluster_carries_on_when_its_channels_primary_dies(
    redis_cluster: ClusterDeployment,
    on_cluster: dict[str, str],
    user: User,
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(**on_cluster)
    channel = user_channel(user.pk)
    victim = redis_cluster.node_of_key(pubsub_channel(channel))

    async def scenario() -> tuple[list[str], float, float]:
        stream = SseClient()
        async with httpx.AsyncClient() as http:
            reader = asyncio.create_task(stream.run(http, stream_url(server, user), {}))
            await asyncio.wait_for(stream.connected.wait(), timeout=20)
            await asyncio.to_thread(realtime_publish, channel=channel, event="before", data={})
            await stream.wait_for(1)
            killed_at = time.monotonic()
            await asyncio.to_thread(victim.stop)
            await stream.wait_for(2, timeout=RECOVERY_BOUND_SECONDS)
            gap_after = time.monotonic() - killed_at
            while "after" not in [name for name, _, _ in stream.events]:
                assert time.monotonic() - killed_at < RECOVERY_BOUND_SECONDS, stream.events
                await asyncio.to_thread(realtime_publish, channel=channel, event="after", data={})
                await asyncio.sleep(0.2)
            delivered_after = time.monotonic() - killed_at
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        return [name for name, _, _ in stream.events], gap_after, delivered_after

    names, gap_after, delivered_after = asyncio.run(scenario())

    # Shown with pytest -s: the figures in docs/scaling-out.md come from here.
    print(
        f"\nrealtime cluster failover: stream.gap {gap_after:.1f} s and the next event "
        f"{delivered_after:.1f} s after the primary died"
    )
    assert names[:2] == ["before", "stream.gap"]
    assert names[-1] == "after"
    assert redis_cluster.node_of_key(pubsub_channel(channel)) is not victim  # its replica took over
    assert errors_counted(redis_cluster, "CROSSSLOT") == 0
