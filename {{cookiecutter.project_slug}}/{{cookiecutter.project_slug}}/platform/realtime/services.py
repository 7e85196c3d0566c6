import hashlib
import json
import logging
import secrets
from typing import Any

from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.events import DomainEvent
from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.realtime.channels import (
    pubsub_channel,
    stream_key,
    stream_lease_key,
    user_channel,
)

logger = logging.getLogger(__name__)

# Append to the channel's capped replay stream and publish, atomically and in one round trip,
# so the event's id (its stream id) is the same in the replay buffer and on the wire.
PUBLISH_SCRIPT = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                      'event', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local message = cjson.encode({id = id, event = ARGV[2]})
redis.call('PUBLISH', ARGV[5], string.sub(message, 1, -2) .. ',"data":' .. ARGV[3] .. '}')
return id
"""


def realtime_publish(*, channel: str, event: str, data: dict[str, Any]) -> str | None:
    """Send `event` to everyone listening on `channel`; returns the event id. A Redis outage
    loses the event (logged) but never fails the caller's write."""
    client = redis_client("realtime")
    try:
        event_id = client.register_script(PUBLISH_SCRIPT)(
            keys=[stream_key(channel)],
            args=[
                settings.REALTIME_REPLAY_LENGTH,
                event,
                json.dumps(data, default=str),
                settings.REALTIME_REPLAY_SECONDS,
                pubsub_channel(channel),
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


def _token_key(token: str) -> str:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return f"{settings.REALTIME_PREFIX}:stream-token:{digest}"


def stream_token_issue(*, user: User) -> str:
    """A one-time token that opens the user's event stream within REALTIME_TOKEN_SECONDS.
    EventSource cannot send an Authorization header; a token in the URL that works once and
    briefly is the safe substitute (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    redis_client("realtime").set(_token_key(token), user.pk, ex=settings.REALTIME_TOKEN_SECONDS)
    return token


def stream_token_redeem(*, token: str) -> int | None:
    """The id of the active user behind `token`, which is spent by reading it. A user deactivated
    since the token was issued gets None, like one whose token is unknown."""
    user_id = redis_client("realtime").getdel(_token_key(token))
    if user_id is None or not User.objects.filter(pk=int(user_id), is_active=True).exists():
        return None
    return int(user_id)


# A user's open streams: a sorted set of stream ids scored by when each lease lapses (ms on the
# Redis server's clock, so app servers with skewed clocks agree). Lapsed leases are pruned in the
# same script that counts them, so a process that died without closing its streams holds its
# users' slots for one lease at most.
STREAM_LEASE_TAKE_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
# Renewing re-adds a lease that is gone (Redis restarted): the stream is open either way.
STREAM_LEASE_RENEW_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""


def _lease_milliseconds() -> int:
    return int(settings.REALTIME_STREAM_LEASE_SECONDS * 1000)


def stream_lease_take(*, user_id: int, stream_id: str) -> bool:
    """Whether `stream_id` may open: True while the user holds fewer than
    REALTIME_MAX_STREAMS_PER_USER unexpired leases (it then holds one more). An unreachable Redis
    admits the stream, like the rate limiter (REALTIME_MAX_STREAMS_PER_PROCESS still applies)."""
    client = redis_client("realtime")
    try:
        taken = client.register_script(STREAM_LEASE_TAKE_SCRIPT)(
            keys=[stream_lease_key(user_id)],
            args=[stream_id, settings.REALTIME_MAX_STREAMS_PER_USER, _lease_milliseconds()],
        )
    except (RedisConnectionError, RedisTimeoutError) as error:
        logger.warning("Stream leases unavailable, stream admitted (fail open): %s", error)
        return True
    return bool(taken)


def stream_lease_renew(*, user_id: int, stream_id: str) -> None:
    """Keep an open stream's lease from lapsing (called every REALTIME_HEARTBEAT_SECONDS)."""
    client = redis_client("realtime")
    try:
        client.register_script(STREAM_LEASE_RENEW_SCRIPT)(
            keys=[stream_lease_key(user_id)], args=[stream_id, _lease_milliseconds()]
        )
    except RedisError as error:
        logger.warning("Stream lease of user %s not renewed: %s", user_id, error)


def stream_lease_release(*, user_id: int, stream_id: str) -> None:
    """Give a closed stream's slot back at once (it would lapse by itself otherwise)."""
    try:
        redis_client("realtime").zrem(stream_lease_key(user_id), stream_id)
    except RedisError as error:
        logger.warning("Stream lease of user %s not released (it will lapse): %s", user_id, error)
