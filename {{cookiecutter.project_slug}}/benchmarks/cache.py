"""Cache get/set through Django's cache API (django-redis, the project's CACHES) against a bare
pooled redis-py GET/SET and against Django's built-in RedisCache backend, in one run.

The difference being measured (a key prefix, JSON, error handling) is a few microseconds against
a round trip of tens, so one short run can put the ratio anywhere between 1.1x and 1.7x: many
short interleaved rounds, each contender's ratio taken within a round, and the median of those
ratios reported with their spread.

The same pair is then measured on a Redis Cluster of the benchmark's own (3 primaries, 3
replicas, started with the test harness when `redis-server` is installed): the project's cache on
REDIS_CLUSTER_NODES against a bare redis-py `RedisCluster` GET+SET. The settings are read once per
process, so that part runs in a child process started with REDIS_CLUSTER_NODES set.

Run: `make bench-cache` (or `python -m benchmarks.cache`).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.cache.backends.redis import RedisCache  # noqa: E402
from redis.cluster import ClusterNode, RedisCluster  # noqa: E402

from benchmarks.report import emit, interleaved_samples, paired_ratio  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.core.redis_clients import redis_client  # noqa: E402

VALUE = {"id": 1, "title": "A title", "body": "x" * 200}
BARE_VALUE = b"x" * 250
# The line of the child process's output that carries its results.
CLUSTER_RESULTS = "cluster results: "
CAPTURED: dict[str, Any] = {"capture_output": True, "text": True, "timeout": 600, "check": False}


def get_then_set(store: Any, key: str, value: object) -> None:
    """A read and a write, the pair a cache-aside read path costs on a miss."""
    store.get(key)
    store.set(key, value)


def ratio_line(label: str, ratio: dict[str, float], rounds: int) -> str:
    return (
        f"{label} = {ratio['median']:.2f}x "
        f"(rounds {ratio['low']:.2f}-{ratio['high']:.2f}x, {rounds} rounds)"
    )


def standalone(rounds: int, calls: int) -> dict[str, Any]:
    ours, bare = caches["default"], redis_client("cache")
    builtin = RedisCache(settings.REDIS_CACHE_URL, {"KEY_PREFIX": "bench-builtin"})
    ours.set("bench:key", VALUE)
    builtin.set("bench:key", VALUE)
    bare.set("bench:bare", BARE_VALUE)
    samples = interleaved_samples(
        {
            "django-redis get+set": lambda: get_then_set(ours, "bench:key", VALUE),
            "bare redis-py GET+SET": lambda: get_then_set(bare, "bench:bare", BARE_VALUE),
            "Django RedisCache get+set": lambda: get_then_set(builtin, "bench:key", VALUE),
        },
        rounds,
        calls,
    )
    ours.delete("bench:key")
    builtin.delete("bench:key")
    bare.delete("bench:bare")
    medians = {name: statistics.median(values) for name, values in samples.items()}
    vs_bare = paired_ratio(samples, "django-redis get+set", "bare redis-py GET+SET")
    vs_builtin = paired_ratio(samples, "django-redis get+set", "Django RedisCache get+set")
    print(f"{'cache get+set':<28}{'us/pair (median)':>18}")
    for name, value in medians.items():
        print(f"{name:<28}{value:>18.1f}")
    print(ratio_line("django-redis / bare", vs_bare, rounds))
    print(ratio_line("django-redis / Django RedisCache", vs_builtin, rounds))
    return {
        "us": medians,
        "rounds": samples,
        "ratio_vs_bare": vs_bare["median"],
        "ratio_vs_bare_spread": [vs_bare["low"], vs_bare["high"]],
        "ratio_vs_builtin": vs_builtin["median"],
    }


def on_cluster_now(rounds: int, calls: int) -> None:
    """The child process: settings with REDIS_CLUSTER_NODES, so the cache is the cluster's."""
    ours = caches["default"]
    nodes = [
        ClusterNode(host, port)  # type: ignore[no-untyped-call, unused-ignore]
        for host, port in settings.REDIS_CLUSTER_NODES
    ]
    bare = RedisCluster(startup_nodes=nodes)
    ours.set("bench:key", VALUE)
    bare.set("bench:bare", BARE_VALUE)
    samples = interleaved_samples(
        {
            "cluster cache get+set": lambda: get_then_set(ours, "bench:key", VALUE),
            "bare RedisCluster GET+SET": lambda: get_then_set(bare, "bench:bare", BARE_VALUE),
        },
        rounds,
        calls,
    )
    ours.delete("bench:key")
    bare.delete("bench:bare")
    vs_bare = paired_ratio(samples, "cluster cache get+set", "bare RedisCluster GET+SET")
    results = {
        "us": {name: statistics.median(values) for name, values in samples.items()},
        "ratio_vs_bare": vs_bare["median"],
        "ratio_vs_bare_spread": [vs_bare["low"], vs_bare["high"]],
    }
    print(CLUSTER_RESULTS + json.dumps(results))


def on_a_cluster(rounds: int, calls: int) -> dict[str, Any]:
    """The cluster pair, measured in a child process on a cluster started here; or why not."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        reason = "not measured: redis-server and redis-cli start the cluster, and are not installed"
        print(f"cluster: {reason}")
        return {"not_measured": reason}
    from {{ cookiecutter.project_slug }}.testing.redis_cluster import ClusterDeployment

    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as workdir:
        cluster = ClusterDeployment(Path(workdir))
        try:
            cluster.start()
            sizes = ["--rounds", str(rounds), "--calls", str(calls)]
            child = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "benchmarks.cache", *sizes, "--on-cluster-now"],
                env={**os.environ, "REDIS_CLUSTER_NODES": cluster.addresses},
                **CAPTURED,
            )
        finally:
            cluster.stop()
    lines = [line for line in child.stdout.splitlines() if line.startswith(CLUSTER_RESULTS)]
    if child.returncode != 0 or not lines:
        output = child.stdout + child.stderr
        raise SystemExit(f"The cache benchmark on the cluster failed:\n{output}")
    results: dict[str, Any] = json.loads(lines[-1].removeprefix(CLUSTER_RESULTS))
    print(f"{'cache get+set on a cluster':<28}{'us/pair (median)':>18}")
    for name, value in results["us"].items():
        print(f"{name:<28}{value:>18.1f}")
    low, high = results["ratio_vs_bare_spread"]
    ratio = {"median": results["ratio_vs_bare"], "low": low, "high": high}
    print(ratio_line("cluster cache / bare RedisCluster", ratio, rounds))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--on-cluster-now", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.on_cluster_now:
        on_cluster_now(options.rounds, options.calls)
        return
    results = standalone(options.rounds, options.calls)
    results["cluster"] = on_a_cluster(options.rounds, options.calls)
    emit("cache", results)


if __name__ == "__main__":
    main()
