"""An exact, atomic rate limiter: GCRA in one Lua script, one round trip per check.

What a rate of `limit` per `period` seconds allows. GCRA (the generic cell rate algorithm) keeps
one number per key (the "theoretical arrival time") and lets a client send a burst of `limit`
requests at once, then one more every `period/limit` seconds as its budget refills evenly. So in
any span of T seconds at most `limit + floor(T * limit / period)` requests pass, wherever the span
starts: `limit` in an instant, and in the long run `limit` per `period`. It is not "at most `limit`
per window": at 5/min a client that starts with a full burst gets 5 at once and one every 12 s
after, so 9 within 48.5 s and 10 within 60 s. What it prevents is the fixed window's 2x burst
(`limit` at the end of one window and `limit` again at the start of the next, within a moment).
A refused request is not counted, so waiting `retry_after` is always enough.

The script reads the clock of the Redis server, so app servers with skewed clocks agree, and it
sets the key with its expiry in the same command: no counter can outlive its window.
"""

import hashlib
import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from redis import Redis
from redis.commands.core import Script
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import status
from rest_framework.exceptions import APIException

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.observability.metrics import rate_limit_decisions
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate

logger = logging.getLogger(__name__)

UNAVAILABLE = "The rate limiter is unavailable; try again shortly."

# KEYS[1]: the limited key. ARGV: limit, period (ms), peek ("1": answer whether one more request
# would pass without counting it). Returns allowed, remaining, retry_after_ms, reset_after_ms.
# Times are milliseconds from the server's own clock.
GCRA_SCRIPT = """
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local peek = ARGV[3] == '1'
local interval = period / limit
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allowed_at = new_tat - period
if now < allowed_at then
  return {0, 0, math.ceil(allowed_at - now), math.ceil(tat - now)}
end
local reset_after = math.max(1, math.ceil(new_tat - now))
if not peek then
  redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', reset_after)
end
return {1, math.floor((now - allowed_at) / interval), 0, reset_after}
"""


@dataclass(frozen=True)
class RateLimitResult:
    scope: str
    rate: Rate
    allowed: bool
    remaining: int
    retry_after: int  # seconds until the next request would be allowed (0 when allowed)
    reset_after: int  # seconds until the full quota is available again


class RateLimitUnavailable(APIException):
    """Redis could not be asked, and the project fails closed (RATE_LIMIT_FAIL_OPEN=False): the API
    answers 503 (DRF's handler); the decorator and the event stream answer the same."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = UNAVAILABLE
    default_code = "rate_limit_unavailable"


@cache
def _gcra(client: Redis) -> Script:
    # Registered once per client: later calls run EVALSHA, loading the script only if Redis
    # does not know it yet (after a restart).
    return client.register_script(GCRA_SCRIPT)


def rate_limit_key(*, scope: str, identity: str) -> str:
    """Namespaced key; the identity (an IP, a user id, anything a caller derives from input)
    is hashed, so it cannot inject separators or grow the key."""
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"{settings.RATE_LIMIT_KEY_PREFIX}:{scope}:{digest}"


def _seconds(milliseconds: int) -> int:
    return -(-int(milliseconds) // 1000)  # ceiling: never tell a client to retry too early


def rate_limit_check(
    *, scope: str, identity: str, rate: Rate, peek: bool = False
) -> RateLimitResult | None:
    """Count one request of `identity` against `rate` (with `peek`, only say whether one more
    would pass: nothing is written, and the same one round trip).

    Returns None when Redis cannot be reached and the project fails open (the default): the
    request passes and the failure is logged. Raises RateLimitUnavailable when it fails closed.
    """
    key = rate_limit_key(scope=scope, identity=identity)
    try:
        client = redis_client("rate_limit")
        allowed, remaining, retry_ms, reset_ms = _gcra(client)(
            keys=[key], args=[rate.limit, rate.period * 1000, int(peek)]
        )
    except (RedisConnectionError, RedisTimeoutError) as error:
        # Only an unreachable Redis fails open or closed; a script error is a bug and raises.
        if not settings.RATE_LIMIT_FAIL_OPEN:
            # The client sees the fixed detail; Redis's own message stays in the log.
            logger.warning("Rate limiter unavailable, request refused (fail closed): %s", error)
            raise RateLimitUnavailable() from error
        logger.warning("Rate limiter unavailable, request allowed (fail open): %s", error)
        return None
    if not peek:
        rate_limit_decisions.labels(scope, "allowed" if allowed else "limited").inc()
    return RateLimitResult(
        scope=scope,
        rate=rate,
        allowed=bool(allowed),
        remaining=int(remaining),
        retry_after=_seconds(retry_ms),
        reset_after=_seconds(reset_ms),
    )


def rate_limit_headers(results: list[RateLimitResult]) -> dict[str, str]:
    """The IETF httpapi RateLimit-Policy and RateLimit fields for these checks."""
    if not results:
        return {}
    # The fields call a scope a "policy".
    policies = [f'"{r.scope}";q={r.rate.limit};w={r.rate.period}' for r in results]
    states = [f'"{r.scope}";r={r.remaining};t={r.reset_after}' for r in results]
    return {"RateLimit-Policy": ", ".join(policies), "RateLimit": ", ".join(states)}
