"""Cache get/set through Django's cache API (django-redis, the project's CACHES) against a bare
pooled redis-py GET/SET and against Django's built-in RedisCache backend, in one run.

The difference being measured (a key prefix, JSON, error handling) is a few microseconds against
a round trip of tens, so one short run can put the ratio anywhere between 1.1x and 1.7x: many
short interleaved rounds, each contender's ratio taken within a round, and the median of those
ratios reported with their spread.

Run: `make bench-cache` (or `python -m benchmarks.cache`).
"""

import argparse
import os
import statistics
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.cache.backends.redis import RedisCache  # noqa: E402

from benchmarks.report import emit, interleaved_samples, paired_ratio  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client  # noqa: E402

VALUE = {"id": 1, "title": "A title", "body": "x" * 200}


def get_then_set(store: Any, key: str, value: object) -> None:
    """A read and a write, the pair a cache-aside read path costs on a miss."""
    store.get(key)
    store.set(key, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--calls", type=int, default=500)
    options = parser.parse_args()
    ours, bare = caches["default"], redis_client("cache")
    builtin = RedisCache(settings.REDIS_CACHE_URL, {"KEY_PREFIX": "bench-builtin"})
    ours.set("bench:key", VALUE)
    builtin.set("bench:key", VALUE)
    bare.set("bench:bare", b"x" * 250)

    samples = interleaved_samples(
        {
            "django-redis get+set": lambda: get_then_set(ours, "bench:key", VALUE),
            "bare redis-py GET+SET": lambda: get_then_set(bare, "bench:bare", b"x" * 250),
            "Django RedisCache get+set": lambda: get_then_set(builtin, "bench:key", VALUE),
        },
        options.rounds,
        options.calls,
    )
    medians = {name: statistics.median(values) for name, values in samples.items()}
    vs_bare = paired_ratio(samples, "django-redis get+set", "bare redis-py GET+SET")
    vs_builtin = paired_ratio(samples, "django-redis get+set", "Django RedisCache get+set")
    print(f"{'cache get+set':<28}{'us/pair (median)':>18}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>18.1f}")
    for label, ratio in (("bare", vs_bare), ("Django RedisCache", vs_builtin)):
        print(
            f"django-redis / {label} = {ratio['median']:.2f}x "
            f"(rounds {ratio['low']:.2f}-{ratio['high']:.2f}x, {options.rounds} rounds)"
        )
    emit(
        "cache",
        {
            "us": medians,
            "rounds": samples,
            "ratio_vs_bare": vs_bare["median"],
            "ratio_vs_bare_spread": [vs_bare["low"], vs_bare["high"]],
            "ratio_vs_builtin": vs_builtin["median"],
        },
    )
    ours.delete("bench:key")
    builtin.delete("bench:key")
    bare.delete("bench:bare")


if __name__ == "__main__":
    main()
