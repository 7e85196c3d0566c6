"""Rate-limit check cost, measured side by side in one run:

- a naive decorator (a new Redis client per request, INCR then EXPIRE: a common pattern),
- ours (one EVALSHA of the GCRA script on the pooled client),
- a bare pooled INCR (the floor any Redis-counted limit pays),
- a bare EVALSHA of a script that only returns (the floor any atomic, script-based check pays:
  what running a script costs Redis beyond a plain command).

No check that counts in Redis beats one round trip, so the naive decorator over a bare INCR is
the ceiling of any speed-up on this machine; the target is ours reaching 85 % of it.

Run: `make bench-rate-limit` (or `python -m benchmarks.rate_limit --rounds 5 --checks 2000`).
Absolute times vary between machines and runs; the ratios are the result.
"""

import argparse
import os
import statistics
import uuid
from functools import cache

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from redis.commands.core import Script  # noqa: E402

from benchmarks.report import emit, interleaved_samples, paired_ratio  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.rate_limit.limiter import rate_limit_check  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.rate_limit.rates import Rate  # noqa: E402

RATE = Rate(limit=10**9, period=60)  # never refuses: every check does the full work


def naive_check(key: str) -> None:
    """A client per request, two commands, no atomicity: the common pattern."""
    r = redis.from_url(settings.REDIS_RATE_LIMIT_URL)  # the anti-pattern, measured on purpose
    current = r.incr(key)
    if current == 1:
        r.expire(key, 60)
    r.close()


def our_check(key: str) -> None:
    rate_limit_check(scope="bench", identity=key, rate=RATE)


def bare_incr(key: str) -> None:
    redis_client("rate_limit").incr(key)


@cache
def _empty_script() -> Script:
    return redis_client("rate_limit").register_script("return 1")


def bare_script(key: str) -> None:
    _empty_script()(keys=[key])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=2000)
    options = parser.parse_args()

    keys = {name: f"bench:{uuid.uuid4().hex}" for name in ("naive", "ours", "incr", "script")}
    samples = interleaved_samples(
        {
            "naive decorator": lambda: naive_check(keys["naive"]),
            "ours (GCRA)": lambda: our_check(keys["ours"]),
            "bare INCR": lambda: bare_incr(keys["incr"]),
            "bare EVALSHA": lambda: bare_script(keys["script"]),
        },
        options.rounds,
        options.checks,
    )
    redis_client("rate_limit").delete(*keys.values())
    median = {name: statistics.median(values) for name, values in samples.items()}
    ours, naive, incr = median["ours (GCRA)"], median["naive decorator"], median["bare INCR"]
    # How much of that ceiling ours reaches: (naive / ours) / (naive / INCR), round by round.
    share = paired_ratio(samples, "bare INCR", "ours (GCRA)")
    print(f"{'check':<16}{'us/check (median)':>20}")
    for name, value in median.items():
        print(f"{name:<16}{value:>20.1f}")
    print(f"naive / ours = {naive / ours:.1f}x faster")
    print(f"ours / INCR = {ours / incr:.2f}x the floor")
    # No check that counts in Redis can take less than one round trip: the best any could do.
    print(f"ceiling: naive / INCR = {naive / incr:.1f}x on this machine")
    print(
        f"ours reaches {share['median']:.0%} of that ceiling "
        f"(rounds {share['low']:.0%}-{share['high']:.0%})"
    )
    # Nor can a script-based check cost less than running an empty script.
    script = median["bare EVALSHA"]
    print(f"script floor: bare EVALSHA / INCR = {script / incr:.2f}x on this machine")
    emit(
        "rate_limit",
        {
            "us": median,
            "naive_over_ours": naive / ours,
            "ours_over_incr": ours / incr,
            "ceiling": naive / incr,
            "share_of_ceiling": share["median"],
            "share_of_ceiling_spread": [share["low"], share["high"]],
            "script_over_incr": script / incr,
        },
    )


if __name__ == "__main__":
    main()
