import hashlib
import json
import logging
import secrets
from typing import Any, Literal

from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.events import DomainEvent
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import (
    channel_publisher,
    redis_client,
)
from {{ cookiecutter.project_slug }}.platform.observability.request_ids import current_request_id
from {{ cookiecutter.project_slug }}.platform.realtime.grants import (
    StreamGrant,
    StreamsUnavailable,
    stream_grant,
    stream_grant_holds,
)
from {{ cookiecutter.project_slug }}.platform.realtime.redis_names import (
    address_connection_lease_key,
    connection_lease_key,
    pubsub_channel,
    replay_log_key,
    stream_credentials_key,
    user_channel,
)

logger = logging.getLogger(__name__)

# Append to the channel's capped replay log (a Redis Stream) and publish, atomically and in one
# round trip, so the event's id (its Redis Stream entry id) is the same in the log and on the wire.
# The log keeps the id of the request that published the event (empty: none). ARGV[7] is the
# publish command (PUBLISH, or SPUBLISH on a cluster: the channel shares the log's slot).
PUBLISH_SCRIPT = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                      'event', ARGV[2], 'data', ARGV[3], 'request_id', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local message = cjson.encode({id = id, event = ARGV[2]})
redis.call(ARGV[7], ARGV[5], string.sub(message, 1, -2) .. ',"data":' .. ARGV[3] .. '}')
return id
"""


def realtime_publish(*, channel: str, event: str, data: dict[str, Any]) -> str | None:
    """Send `event` to everyone listening on `channel`; returns the event id. A Redis outage
    loses the event (logged) but never fails the caller's write."""
    publisher = channel_publisher("realtime")
    try:
        event_id = publisher.client.register_script(PUBLISH_SCRIPT)(
            keys=[replay_log_key(channel)],
            args=[
                settings.REALTIME_REPLAY_LENGTH,
                event,
                json.dumps(data, default=str),
                settings.REALTIME_REPLAY_SECONDS,
                pubsub_channel(channel),
                current_request_id() or "",
                publisher.command,
            ],
        )
    except RedisError as error:
        logger.warning("Realtime event %s on %s was not published: %s", event, channel, error)
        return None
    return event_id.decode() if isinstance(event_id, bytes) else str(event_id)


def realtime_forward(event: DomainEvent) -> None:
    """A domain event, sent to its owner's channel (events about nobody in particular are not
    streamed: every stream belongs to one user)."""
    if event.owner_id is not None:
        realtime_publish(
            channel=user_channel(event.owner_id), event=event.name, data=dict(event.data)
        )


# Not an event for browsers: it has each open stream of the user check its grant at once
# (views.py) instead of at its next renewal. Published only, never kept in the replay log.
RECHECK_EVENT = "stream.recheck"


def streams_recheck(*, user_id: int) -> None:
    """Have every open stream of the user, in every process, check its grant now: a deactivated
    user's streams close within a round trip, not a heartbeat. With Redis unreachable they close
    at their next renewal (REALTIME_HEARTBEAT_SECONDS)."""
    message = json.dumps({"id": None, "event": RECHECK_EVENT, "data": {}})
    try:
        channel_publisher("realtime").publish(pubsub_channel(user_channel(user_id)), message)
    except RedisError as error:
        logger.warning("Streams of user %s close at their next renewal: %s", user_id, error)


def streams_close_for_deactivated(sender: object, *, user_id: int, **kwargs: object) -> None:
    """accounts' `user_deactivated` receiver (apps.py)."""
    streams_recheck(user_id=user_id)


def _token_key(token: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return f"{settings.REALTIME_PREFIX}:stream-token:{digest}"


def stream_token_issue(*, user: User, session_key: str | None = None) -> str:
    """A one-time token that opens the user's event stream within REALTIME_TOKEN_SECONDS, for as
    long as the session `session_key` (None: the caller used a Bearer token) and the user's
    credentials stay as they are (grants.py). EventSource cannot send an Authorization header; a
    token in the URL that works once and briefly is the safe substitute (only its hash is stored).
    Raises StreamsUnavailable (503) when the realtime Redis is unreachable."""
    token = secrets.token_urlsafe(32)
    grant = stream_grant(user=user, session_key=session_key)
    try:
        redis_client("realtime").set(
            _token_key(token), grant.dumps(), ex=settings.REALTIME_TOKEN_SECONDS
        )
    except RedisError as error:
        logger.warning("Stream token not issued: %s", error)
        raise StreamsUnavailable() from error
    return token


def stream_token_grant(*, token: str) -> StreamGrant | None:
    """The grant behind `token` if it still holds, without spending the token (a stream refused
    for capacity must leave it usable): spend it with stream_token_spend once the stream is
    admitted. None for an unknown, expired or lapsed token. Raises StreamsUnavailable."""
    try:
        stored = redis_client("realtime").get(_token_key(token))
    except RedisError as error:
        raise StreamsUnavailable() from error
    if stored is None:
        return None
    try:
        grant = StreamGrant.loads(stored)
    except (ValueError, TypeError):  # not a grant this code wrote
        return None
    return grant if stream_grant_holds(grant=grant) else None


def stream_token_spend(*, token: str) -> bool:
    """Spend `token`: True for the one caller that does (a concurrent one with the same token
    gets False). Raises StreamsUnavailable."""
    try:
        return bool(redis_client("realtime").delete(_token_key(token)))
    except RedisError as error:
        raise StreamsUnavailable() from error


# An event stream's connection leases: one in its user's sorted set, one in its client address's,
# each the event stream's id scored by when its lease lapses (ms on the Redis server's clock, so
# app servers with skewed clocks agree). Lapsed leases are pruned in the same script that counts
# them, so a process that died without closing its event streams holds their slots for one lease
# at most.
#
# The two sets are taken in two scripts of one key each, sent together (one round trip): on a
# Redis Cluster a user's and an address's sets lie in different slots, which no one script may
# touch. Each script takes its lease only below its cap, atomically, so no cap is ever exceeded;
# when one refuses, the lease the other took is given back. Meanwhile a concurrent stream may
# count that lease and be refused too: the split can refuse a stream in a race, never admit one
# too many (an EventSource retries). A process that dies before giving it back holds it for one
# lease at most. Returns 1 when taken, 0 when the cap (ARGV[2]) is full.
CONNECTION_LEASE_TAKE_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
# Renewing re-adds a lease that is gone (Redis restarted): the event stream is open either way.
# The user's step also returns the user's credentials fingerprint kept beside the leases
# (KEYS[2], grants.py; one hash tag with the user's leases), in the same round trip.
CONNECTION_LEASE_RENEW_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if KEYS[2] then return redis.call('GET', KEYS[2]) end
return false
"""

StreamCap = Literal["user", "address"]


def _queue_script(pipeline: Any, script: str, keys: list[str], *args: object) -> None:
    """Queue `script` on `pipeline` as an EVAL: a cluster's pipeline offers no eval(), and cannot
    load a script (EVALSHA) that a node, such as a replica just promoted, does not have yet."""
    pipeline.execute_command("EVAL", script, len(keys), *keys, *args)


def _lease_milliseconds() -> int:
    return int(settings.REALTIME_CONNECTION_LEASE_SECONDS * 1000)


def connection_lease_take(*, user_id: int, address: str, stream_id: str) -> StreamCap | None:
    """Take the connection leases of event stream `stream_id`, or name the cap that is full:
    "user" when the user holds REALTIME_MAX_STREAMS_PER_USER unexpired leases, "address" when its
    client address holds REALTIME_MAX_STREAMS_PER_ADDRESS (nothing is taken then). An unreachable
    Redis admits the event stream, like the rate limiter (REALTIME_MAX_STREAMS_PER_PROCESS still
    applies)."""
    caps: dict[StreamCap, tuple[str, int]] = {
        "user": (connection_lease_key(user_id), settings.REALTIME_MAX_STREAMS_PER_USER),
        "address": (
            address_connection_lease_key(address),
            settings.REALTIME_MAX_STREAMS_PER_ADDRESS,
        ),
    }
    try:
        taken = _take_each(caps, stream_id=stream_id)
        full = [name for name, took in taken.items() if not took]
        if full:  # give back the lease a cap with room took
            with redis_client("realtime").pipeline(transaction=False) as pipeline:
                for name in (name for name, took in taken.items() if took):
                    pipeline.zrem(caps[name][0], stream_id)
                pipeline.execute()
    except (RedisConnectionError, RedisTimeoutError) as error:
        logger.warning("Connection leases unavailable, stream admitted (fail open): %s", error)
        return None
    return full[0] if full else None


def _take_each(caps: dict[StreamCap, tuple[str, int]], *, stream_id: str) -> dict[StreamCap, bool]:
    """Whether each cap's lease was taken, all asked in one round trip."""
    lease = _lease_milliseconds()
    with redis_client("realtime").pipeline(transaction=False) as pipeline:
        for key, cap in caps.values():
            _queue_script(pipeline, CONNECTION_LEASE_TAKE_SCRIPT, [key], stream_id, cap, lease)
        return {name: bool(took) for name, took in zip(caps, pipeline.execute(), strict=True)}


def _renew_leases(*, user_id: int, address: str, stream_id: str) -> str | None:
    """Renew the leases; returns the credentials fingerprint Redis keeps, if any."""
    lease = _lease_milliseconds()
    user_keys = [connection_lease_key(user_id), stream_credentials_key(user_id)]
    try:
        with redis_client("realtime").pipeline(transaction=False) as pipeline:
            _queue_script(pipeline, CONNECTION_LEASE_RENEW_SCRIPT, user_keys, stream_id, lease)
            address_keys = [address_connection_lease_key(address)]
            _queue_script(pipeline, CONNECTION_LEASE_RENEW_SCRIPT, address_keys, stream_id, lease)
            kept = pipeline.execute()[0]
    except RedisError as error:
        logger.warning("Connection lease of user %s not renewed: %s", user_id, error)
        return None
    return kept.decode() if isinstance(kept, bytes) else None


def connection_lease_renew(*, grant: StreamGrant, address: str, stream_id: str) -> bool:
    """Keep an open event stream's connection leases from lapsing (called every
    REALTIME_HEARTBEAT_SECONDS) and say whether its grant still holds: False when the stream must
    close. Postgres or the session store unreachable keeps the stream open (logged): it is checked
    again next heartbeat."""
    kept = _renew_leases(user_id=grant.user_id, address=address, stream_id=stream_id)
    try:
        return stream_grant_holds(grant=grant, kept_fingerprint=kept)
    except StreamsUnavailable as error:
        logger.warning("Stream grant of user %s not checked: %s", grant.user_id, error.__cause__)
        return True


def connection_lease_release(*, user_id: int, address: str, stream_id: str) -> None:
    """Give a closed event stream's connection leases back at once (they would lapse by
    themselves otherwise)."""
    try:
        with redis_client("realtime").pipeline(transaction=False) as pipeline:
            pipeline.zrem(connection_lease_key(user_id), stream_id)
            pipeline.zrem(address_connection_lease_key(address), stream_id)
            pipeline.execute()
    except RedisError as error:
        logger.warning("Connection lease of user %s not released (it lapses): %s", user_id, error)
