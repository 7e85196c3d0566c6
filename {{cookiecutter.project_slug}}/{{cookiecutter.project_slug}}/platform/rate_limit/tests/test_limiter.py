import logging
import multiprocessing
import time
import uuid
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import (
    RateLimitResult,
    RateLimitUnavailable,
    rate_limit_check,
    rate_limit_headers,
    rate_limit_key,
)
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate
from {{ cookiecutter.project_slug }}.testing.redis_servers import OwnRedis


def new_identity() -> str:
    return f"test-{uuid.uuid4().hex}"


def check(identity: str, rate: Rate) -> RateLimitResult:
    result = rate_limit_check(scope="test", identity=identity, rate=rate)
    assert result is not None
    return result


def test_exactly_limit_requests_pass_then_the_rest_are_refused() -> None:
    identity, rate = new_identity(), Rate(limit=5, period=60)

    results = [check(identity, rate) for _ in range(8)]

    assert [r.allowed for r in results] == [True] * 5 + [False] * 3
    assert [r.remaining for r in results[:5]] == [4, 3, 2, 1, 0]
    assert all(r.remaining == 0 for r in results[5:])


def test_a_refusal_says_when_to_retry_and_when_the_quota_is_back() -> None:
    identity, rate = new_identity(), Rate(limit=2, period=60)
    check(identity, rate)
    check(identity, rate)

    refused = check(identity, rate)

    # One request comes back every period/limit = 30 s; the full quota after 60 s.
    assert not refused.allowed
    assert 29 <= refused.retry_after <= 30
    assert 59 <= refused.reset_after <= 60


def test_identities_do_not_share_a_budget() -> None:
    rate = Rate(limit=1, period=60)
    first, second = new_identity(), new_identity()

    assert check(first, rate).allowed
    assert check(second, rate).allowed
    assert not check(first, rate).allowed


def test_no_counter_is_ever_left_without_an_expiry() -> None:
    identity, rate = new_identity(), Rate(limit=50, period=60)
    client = redis_client("rate_limit")
    key = rate_limit_key(scope="test", identity=identity)

    ttls = []
    for _ in range(200):  # allowed and refused alike
        check(identity, rate)
        ttls.append(client.pttl(key))

    assert min(ttls) > 0
    assert max(ttls) <= 60_000
    stray = [
        k
        for k in client.scan_iter(match=f"{settings.RATE_LIMIT_KEY_PREFIX}:*", count=1000)
        if client.pttl(k) < 0
    ]
    assert stray == []


def test_keys_are_namespaced_and_do_not_contain_the_identity() -> None:
    key = rate_limit_key(scope="login", identity="ip:10.0.0.1:*injected*")

    assert key.startswith(f"{settings.RATE_LIMIT_KEY_PREFIX}:login:")
    assert "10.0.0.1" not in key
    assert "*" not in key


def test_waiting_half_the_period_returns_about_half_the_budget_not_all_of_it() -> None:
    # A fixed window would hand back the whole budget at its boundary (2x bursts); GCRA
    # returns one request every period/limit.
    identity, rate = new_identity(), Rate(limit=10, period=1)
    assert all(check(identity, rate).allowed for _ in range(10))

    time.sleep(0.5)
    allowed_after_half = sum(check(identity, rate).allowed for _ in range(10))

    assert 4 <= allowed_after_half <= 6


def test_a_full_burst_passes_at_once_then_one_request_per_period_over_limit() -> None:
    # The documented semantics (limiter.py, docs/rate-limiting.md): a burst of `limit`, then one
    # request every period/limit seconds, here 0.2 s.
    identity, rate = new_identity(), Rate(limit=5, period=1)

    burst = [check(identity, rate) for _ in range(6)]
    time.sleep(0.25)
    refilled = [check(identity, rate) for _ in range(2)]

    assert [r.allowed for r in burst] == [True] * 5 + [False]
    assert burst[5].retry_after == 1  # 0.2 s, rounded up: never too early
    assert [r.allowed for r in refilled] == [True, False]


def test_in_any_span_of_t_seconds_at_most_limit_plus_t_times_rate_pass() -> None:
    identity, rate = new_identity(), Rate(limit=5, period=1)

    sent: list[float] = []
    answered: list[float] = []
    allowed = 0
    while not sent or time.monotonic() - sent[0] < 1.0:
        sent.append(time.monotonic())
        allowed += check(identity, rate).allowed
        answered.append(time.monotonic())
    # Redis timed each check between its sending and its answer. A loaded machine can stall a
    # check for longer than the loop (seen: 2.1 s), so the bounds use the spans the checks
    # surely covered (at least) and could have covered (at most), not the loop's own length.
    at_least, at_most = sent[-1] - answered[0], answered[-1] - sent[0]

    # limit + floor(T * limit / period): 5 at once, then one every 0.2 s (5 more within 1 s).
    assert allowed <= rate.limit + int(at_most * rate.limit / rate.period)
    assert allowed >= rate.limit + int(at_least * rate.limit / rate.period) - 1


def test_a_peek_answers_without_counting() -> None:
    identity, rate = new_identity(), Rate(limit=2, period=60)

    peeks = [rate_limit_check(scope="test", identity=identity, rate=rate, peek=True)]
    peeks += [rate_limit_check(scope="test", identity=identity, rate=rate, peek=True)]
    counted = [check(identity, rate) for _ in range(3)]
    spent = rate_limit_check(scope="test", identity=identity, rate=rate, peek=True)

    assert [p is not None and p.allowed for p in peeks] == [True, True]
    assert [r.allowed for r in counted] == [True, True, False]
    assert spent is not None
    assert not spent.allowed
    assert 29 <= spent.retry_after <= 30


def hammer(barrier: Barrier, results: Queue, identity: str, attempts: int) -> None:  # type: ignore[type-arg]
    barrier.wait()
    rate = Rate(limit=100, period=3600)
    allowed = 0
    for _ in range(attempts):
        result = rate_limit_check(scope="concurrency", identity=identity, rate=rate)
        allowed += bool(result and result.allowed)
    results.put(allowed)


def test_exactly_limit_pass_when_processes_race_for_one_key() -> None:
    context = multiprocessing.get_context("fork")
    processes_count, attempts = 8, 40
    barrier, results = context.Barrier(processes_count), context.Queue()
    identity = new_identity()
    processes = [
        context.Process(target=hammer, args=(barrier, results, identity, attempts))
        for _ in range(processes_count)
    ]
    for process in processes:
        process.start()
    allowed = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert all(process.exitcode == 0 for process in processes)
    assert sum(allowed) == 100  # of 320 attempts, from 8 processes at once


def test_headers_follow_the_ietf_draft() -> None:
    result = RateLimitResult(
        scope="user", rate=Rate(100, 60), allowed=True, remaining=42, retry_after=0, reset_after=35
    )

    assert rate_limit_headers([result]) == {
        "RateLimit-Policy": '"user";q=100;w=60',
        "RateLimit": '"user";r=42;t=35',
    }


@pytest.fixture
def limiter_on_dead_redis(settings: Settings, own_redis: OwnRedis) -> None:
    settings.REDIS_RATE_LIMIT_URL = own_redis.url()
    assert check(new_identity(), Rate(1, 60)).allowed  # connected once...
    own_redis.stop()  # ...then Redis goes away


@pytest.mark.usefixtures("limiter_on_dead_redis")
def test_redis_down_fails_open_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        result = rate_limit_check(scope="test", identity=new_identity(), rate=Rate(1, 60))

    assert result is None
    warnings = [r for r in caplog.records if "fail open" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.usefixtures("limiter_on_dead_redis")
def test_redis_down_fails_closed_when_configured(settings: Settings) -> None:
    settings.RATE_LIMIT_FAIL_OPEN = False

    with pytest.raises(RateLimitUnavailable):
        rate_limit_check(scope="test", identity=new_identity(), rate=Rate(1, 60))
