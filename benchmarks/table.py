"""The summary of a `make bench` run: one row per measurement with its same-run baseline, the
ratio between them and, where the issue set one, the goal and whether it was met."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Goal:
    bound: float
    at_most: bool
    # What the compared figure is: a ratio (x) or a difference in a unit (" ms").
    unit: str = "x"

    def met(self, ratio: float) -> bool:
        return ratio <= self.bound if self.at_most else ratio >= self.bound

    def __str__(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.bound:g}{self.unit}"


@dataclass(frozen=True)
class Row:
    benchmark: str
    ours: str
    baseline: str
    ratio_label: str = ""
    ratio: float | None = None
    goal: Goal | None = None

    @property
    def verdict(self) -> str:
        if self.goal is None or self.ratio is None:
            return ""
        return "met" if self.goal.met(self.ratio) else "MISSED"

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "goal": str(self.goal) if self.goal else None,
            "verdict": self.verdict,
        }


def _cache_rows(cache: dict[str, Any], floor: dict[str, float]) -> list[Row]:
    us = cache["us"]
    ours, bare, builtin = (
        us["django-redis get+set"],
        us["bare redis-py GET+SET"],
        us["Django RedisCache get+set"],
    )
    two_gets = 2 * 1e6 / floor["get_rps_1_clients"]
    # The median of the rounds' own ratios, with their spread (benchmarks/cache.py says why).
    low, high = cache.get("ratio_vs_bare_spread", (cache["ratio_vs_bare"],) * 2)
    return [
        Row(
            "cache get+set: django-redis",
            f"{ours:.0f} us",
            f"bare redis-py {bare:.0f} us (rounds {low:.2f}-{high:.2f}x)",
            "ours / bare",
            cache["ratio_vs_bare"],
            Goal(1.3, at_most=True),
        ),
        Row(
            "cache get+set: django-redis",
            f"{ours:.0f} us",
            f"Django RedisCache {builtin:.0f} us",
            "ours / builtin",
            cache["ratio_vs_builtin"],
        ),
        Row(
            "bare redis-py GET+SET",
            f"{bare:.0f} us",
            f"redis-benchmark 2 GETs {two_gets:.0f} us",
            "bare / floor",
            bare / two_gets,
        ),
        _cluster_cache_row(cache.get("cluster")),
    ]


def _cluster_cache_row(cluster: dict[str, Any] | None) -> Row:
    """The cache on a Redis Cluster against a bare RedisCluster; results from before the cluster
    was measured, or a machine without redis-server, say why there is no figure."""
    name = "cache get+set on a Redis Cluster"
    if cluster is None or "not_measured" in cluster:
        reason = cluster["not_measured"] if cluster else "not measured in this run"
        return Row(name, reason, "", "cluster / bare RedisCluster")
    ours, bare = cluster["us"]["cluster cache get+set"], cluster["us"]["bare RedisCluster GET+SET"]
    low, high = cluster["ratio_vs_bare_spread"]
    return Row(
        name,
        f"{ours:.0f} us",
        f"bare RedisCluster {bare:.0f} us (rounds {low:.2f}-{high:.2f}x)",
        "cluster / bare RedisCluster",
        cluster["ratio_vs_bare"],
        Goal(1.3, at_most=True),
    )


def _session_rows(sessions: dict[str, Any]) -> list[Row]:
    ours_name = next(name for name in sessions["us"] if name != "db")
    ours, db = sessions["us"][ours_name], sessions["us"]["db"]
    return [
        Row(
            f"session load+save: {ours_name}",
            f"{ours:.0f} us",
            f"database backend {db:.0f} us",
            "db / ours",
            sessions["db_over_ours"],
        ),
    ]


def _rate_limit_rows(rate_limit: dict[str, Any]) -> list[Row]:
    us = rate_limit["us"]
    # The generated benchmark calls the seed's decorator (a client per request, INCR then EXPIRE)
    # the naive decorator.
    ours, seed, incr = us["ours (GCRA)"], us["naive decorator"], us["bare INCR"]
    # A fixed speed-up cannot be a goal: the ceiling (seed / INCR) moves with the machine.
    # Results from before the share was measured round by round: the medians' share.
    share = rate_limit.get(
        "share_of_ceiling", rate_limit["naive_over_ours"] / rate_limit["ceiling"]
    )
    return [
        Row(
            "rate-limit check: GCRA script",
            f"{ours:.0f} us",
            f"seed decorator {seed:.0f} us",
            "seed / ours",
            rate_limit["naive_over_ours"],
        ),
        Row(
            "rate-limit check: GCRA script",
            f"seed / ours {rate_limit['naive_over_ours']:.1f}x",
            f"ceiling seed / INCR {rate_limit['ceiling']:.1f}x",
            "share of the ceiling",
            share,
            Goal(0.85, at_most=False),
        ),
        Row(
            "rate-limit check: GCRA script",
            f"{ours:.0f} us",
            f"bare INCR {incr:.0f} us",
            "ours / INCR",
            rate_limit["ours_over_incr"],
            Goal(1.3, at_most=True),
        ),
        Row(
            "rate-limit floor of any script (an empty EVALSHA)",
            f"EVALSHA {us['bare EVALSHA']:.0f} us",
            f"bare INCR {incr:.0f} us",
            "script / INCR",
            rate_limit["script_over_incr"],
        ),
        Row(
            "rate-limit ceiling (no check beats a round trip)",
            f"INCR {incr:.0f} us",
            f"seed decorator {seed:.0f} us",
            "seed / INCR",
            rate_limit["ceiling"],
        ),
    ]


def _http_rows(http: dict[str, Any]) -> list[Row]:
    """The cached list against the framework's floor under the same (WSGI) server command, the
    other rows against the same floor, and the ASGI command's figures that decided the server."""

    def show(row: dict[str, float]) -> str:
        latency = f"p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms"
        errors = row["socket_errors"] + row["timeouts"]
        return f"{row['rps']:.0f} req/s, {latency}, {errors:.0f} errors"

    endpoints = http["endpoints"]
    cached, floor = endpoints["notes list (cached)"], endpoints["floor"]
    asgi_floor, asgi_cached = endpoints["floor (ASGI)"], endpoints["notes list (cached, ASGI)"]
    return [
        Row(
            "HTTP notes list, cached (WSGI)",
            show(cached),
            f"bare DRF floor: {show(floor)}",
            "cached / floor req/s",
            http["cached_over_floor"],
            Goal(0.5, at_most=False),
        ),
        Row(
            "HTTP notes list, cached (WSGI): tail at 32 connections",
            f"p99 {cached['p99_ms']:.1f} ms",
            f"p50 {cached['p50_ms']:.1f} ms",
            "p99 / p50",
            http["cached_p99_over_p50"],
            Goal(4, at_most=True),
        ),
        Row(
            "HTTP notes list, cached (WSGI): socket errors and timeouts",
            f"{cached['socket_errors'] + cached['timeouts']:.0f}",
            "",
            "errors",
            cached["socket_errors"] + cached["timeouts"],
            Goal(0, at_most=True),
        ),
        Row(
            "HTTP notes list, uncached (WSGI)",
            show(endpoints["notes list (uncached)"]),
            "bare DRF floor",
            "uncached / floor req/s",
            http["uncached_over_floor"],
        ),
        Row(
            "HTTP /api/health/ (WSGI; pings every Redis role)",
            show(endpoints["/api/health/"]),
            "bare DRF floor",
            "health / floor req/s",
            http["health_over_floor"],
        ),
        Row(
            "HTTP floor under ASGI (uvicorn workers)",
            show(asgi_floor),
            "the WSGI floor",
            "ASGI / WSGI req/s",
            http["asgi_floor_over_wsgi_floor"],
        ),
        Row(
            "HTTP notes list, cached, under ASGI",
            show(asgi_cached),
            "the ASGI floor",
            "ASGI cached / ASGI floor req/s",
            http["asgi_cached_over_asgi_floor"],
        ),
        *_bearer_rows(http, show),
        *_metrics_rows(http, show),
        *_tracing_rows(http, show),
    ]


BEARER_LIST = "notes list (cached, Bearer)"


def _bearer_rows(http: dict[str, Any], show: Callable[[dict[str, float]], str]) -> list[Row]:
    """The cached list read with a Supabase access token against the same floor, same run (the
    session's row is the first of the HTTP rows). Runs from before the row existed have none."""
    bearer = http["endpoints"].get(BEARER_LIST)
    if bearer is None:
        return []
    return [
        Row(
            "HTTP notes list, cached (WSGI), Bearer token",
            show(bearer),
            f"bare DRF floor: {show(http['endpoints']['floor'])}",
            "Bearer cached / floor req/s",
            http["bearer_cached_over_floor"],
            Goal(0.5, at_most=False),
        ),
    ]


def _metrics_rows(http: dict[str, Any], show: Callable[[dict[str, float]], str]) -> list[Row]:
    """Metrics on (the default; tracing off) against the same cached list with them off, when the
    run measured it."""
    if "metrics_on_over_off" not in http:
        return []
    endpoints = http["endpoints"]
    return [
        Row(
            "HTTP notes list, cached (WSGI): metrics on, tracing off",
            show(endpoints["notes list (cached)"]),
            f"metrics off: {show(endpoints['notes list (cached, metrics off)'])}",
            "on / off req/s",
            http["metrics_on_over_off"],
            Goal(0.95, at_most=False),
        )
    ]


TRACED_LIST = "notes list (cached, traced)"


def _tracing_rows(http: dict[str, Any], show: Callable[[dict[str, float]], str]) -> list[Row]:
    """The cached list traced at 100 % sampling against the same list untraced, same run: its
    cost, reported (no goal). Runs from before the row existed have none."""
    traced = http["endpoints"].get(TRACED_LIST)
    if traced is None:
        return []
    return [
        Row(
            "HTTP notes list, cached (WSGI), tracing on at 100 % sampling",
            show(traced),
            f"tracing off: {show(http['endpoints']['notes list (cached)'])}",
            "traced / untraced req/s",
            http["traced_over_untraced"],
        ),
    ]


def _celery_rows(celery: dict[str, Any]) -> list[Row]:
    return [
        Row(
            "Celery enqueue -> result",
            f"p50 {celery['task_p50_ms']:.2f} ms, p95 {celery['task_p95_ms']:.2f} ms, "
            f"{celery['tasks_per_second']:.0f} tasks/s",
            f"LPUSH+BRPOP p50 {celery['raw_p50_ms']:.2f} ms, p95 {celery['raw_p95_ms']:.2f} ms",
            "task / raw (p50)",
            celery["task_p50_ms"] / celery["raw_p50_ms"],
        ),
    ]


# The goals per number of clients (the generated benchmark marks each row MET or MISSED
# by the same figures): p50 and p95 in ms, server memory in KiB per client, share delivered.
REALTIME_GOALS: dict[str, list[tuple[str, str, Goal]]] = {
    "1000": [
        ("p50", "p50", Goal(25, at_most=True, unit=" ms")),
        ("p95", "p95", Goal(100, at_most=True, unit=" ms")),
    ],
    "10000": [
        ("p95", "p95", Goal(1000, at_most=True, unit=" ms")),
        ("delivered", "delivered", Goal(1, at_most=False)),
        ("kib_per_client", "KiB per client", Goal(50, at_most=True, unit=" KiB")),
    ],
}


def _realtime_rows(realtime: dict[str, Any]) -> list[Row]:
    by_clients = realtime["by_clients"]
    one = by_clients["1"]
    rows = []
    for clients, row in by_clients.items():
        # Runs from before the benchmark named it "delivered" (and named no ceiling).
        delivered = row.get("delivered", row.get("received"))
        name = f"SSE publish -> receive, {clients} client{'' if clients == '1' else 's'}"
        # Too few clients to tell their memory from the allocator's: the benchmark says NaN.
        kib = row["kib_per_client"]
        memory = f"{kib:.0f} KiB/client" if kib == kib else "memory not measured"
        ours = (
            f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, {delivered:.0%} delivered, {memory}"
        )
        if row.get("ceiling"):
            ours += f"; ceiling: {row['ceiling']}"
        baseline = f"1 client p50 {one['p50']:.1f} ms"
        rows.append(Row(name, ours, baseline, "p50 / 1-client p50", row["p50"] / one["p50"]))
        figures = {**row, "delivered": delivered}
        rows += [
            Row(name, ours, baseline, label, figures[figure], goal)
            for figure, label, goal in REALTIME_GOALS.get(clients, [])
        ]
    return rows


def _claims_rows(claims: dict[str, Any] | None) -> list[Row]:
    """A read under the caller's claims against the same read without, same run (runs from
    before the row existed have none)."""
    if claims is None:
        return []
    p50 = claims["p50_ms"]
    return [
        Row(
            "database read under the caller's claims",
            f"p50 {p50['read under claims']:.3f} ms",
            f"same read without: p50 {p50['read']:.3f} ms",
            "added at p50",
            claims["added_p50_ms"],
            Goal(1, at_most=True, unit=" ms"),
        )
    ]


def _template_rows(results: dict[str, Any]) -> list[Row]:
    rows = [Row("bake the default project", f"{results['bake_seconds']:.2f} s", "", "")]
    rows.append(Row("install it (make install, uv)", f"{results['install_seconds']:.1f} s", ""))
    if "suite_seconds" in results:
        rows.append(Row("its test suite", f"{results['suite_seconds']:.0f} s", ""))
    return rows


def rows_from(results: dict[str, Any]) -> list[Row]:
    floor = results["redis_floor"]
    return [
        Row("redis-benchmark GET, 1 client", f"{floor['get_rps_1_clients']:.0f} ops/s", ""),
        Row("redis-benchmark GET, 50 clients", f"{floor['get_rps_50_clients']:.0f} ops/s", ""),
        *_cache_rows(results["cache"], floor),
        *_session_rows(results["sessions"]),
        *_claims_rows(results.get("claims")),
        *_rate_limit_rows(results["rate_limit"]),
        *_http_rows(results["http"]),
        *_celery_rows(results["celery"]),
        *_realtime_rows(results["realtime"]),
        *_template_rows(results),
    ]


def render(rows: list[Row], results: dict[str, Any]) -> str:
    """A Markdown table (the README's Performance section pastes it) and the machine."""
    lines = [
        "| benchmark | ours | baseline (same run) | ratio | goal |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        unit = row.goal.unit if row.goal else "x"
        ratio = f"{row.ratio_label} = {row.ratio:.2f}{unit}" if row.ratio is not None else ""
        goal = f"{row.goal}: {row.verdict}" if row.goal else ""
        lines.append(f"| {row.benchmark} | {row.ours} | {row.baseline} | {ratio} | {goal} |")
    host = results["machine"]
    lines.append("")
    lines.append(
        f"Machine: {host['cpu']}, {host['cores']} cores, Python {host['python']}, "
        f"Redis {host['redis']}; {results['measured_at']}; whole run "
        f"{results['total_seconds']:.0f} s."
    )
    return "\n".join(lines)
