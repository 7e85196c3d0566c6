import hashlib
import json
import logging
import secrets
from typing import Any

from django.conf import settings
from redis.exceptions import RedisError

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.realtime.channels import pubsub_channel, stream_key

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
    """The user id behind `token`, which is spent by reading it."""
    user_id = redis_client("realtime").getdel(_token_key(token))
    return int(user_id) if user_id is not None else None
