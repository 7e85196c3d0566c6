"""Cache get/set through Django's cache API (django-redis, the project's CACHES) against a bare
pooled redis-py GET/SET and against Django's built-in RedisCache backend, in one run.

Run: `make bench-cache` (or `python -m benchmarks.cache`).
"""

import argparse
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.cache.backends.redis import RedisCache  # noqa: E402

from benchmarks.report import emit, interleaved_medians  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client  # noqa: E402

VALUE = {"id": 1, "title": "A title", "body": "x" * 200}


def get_then_set(store: Any, key: str, value: object) -> None:
    """A read and a write, the pair a cache-aside read path costs on a miss."""
    store.get(key)
    store.set(key, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000)
    options = parser.parse_args()
    ours, bare = caches["default"], redis_client("cache")
    builtin = RedisCache(settings.REDIS_CACHE_URL, {"KEY_PREFIX": "bench-builtin"})
    ours.set("bench:key", VALUE)
    builtin.set("bench:key", VALUE)
    bare.set("bench:bare", b"x" * 250)

    medians = interleaved_medians(
        {
            "django-redis get+set": lambda: get_then_set(ours, "bench:key", VALUE),
            "bare redis-py GET+SET": lambda: get_then_set(bare, "bench:bare", b"x" * 250),
            "Django RedisCache get+set": lambda: get_then_set(builtin, "bench:key", VALUE),
        },
        options.rounds,
        options.calls,
    )
    ratio = medians["django-redis get+set"] / medians["bare redis-py GET+SET"]
    builtin_ratio = medians["django-redis get+set"] / medians["Django RedisCache get+set"]
    print(f"{'cache get+set':<28}{'us/pair (median)':>18}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>18.1f}")
    print(f"django-redis / bare = {ratio:.2f}x")
    print(f"django-redis / Django RedisCache = {builtin_ratio:.2f}x")
    emit("cache", {"us": medians, "ratio_vs_bare": ratio, "ratio_vs_builtin": builtin_ratio})
    ours.delete("bench:key")
    builtin.delete("bench:key")
    bare.delete("bench:bare")


if __name__ == "__main__":
    main()
