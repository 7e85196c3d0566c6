"""The example app's rows of benchmarks/http.py: its notes list, cached (WSGI and ASGI; with a
session, and with a Supabase access token where the project has Supabase Auth) and with every
read missing the cache, measured through its API only (the benchmarks import no product app)."""

import json
import secrets
import urllib.request

from django.apps import apps
from django.conf import settings

PATH = "/api/notes/"
# (row, server) of the rows on the WSGI servers, and on the ASGI one.
WSGI_ROWS = [
    ("notes list (cached)", "wsgi"),
    ("notes list (uncached)", "wsgi-uncached"),
    ("notes list (cached, metrics off)", "wsgi-metrics-off"),
]
ASGI_ROWS = [("notes list (cached, ASGI)", "asgi")]
# Its own user, authenticated by `Authorization: Bearer` (benchmarks/http.py makes the token).
BEARER_ROW = ("notes list (cached, Bearer)", "wsgi")


def example_installed() -> bool:
    return apps.is_installed("{{ cookiecutter.project_slug }}.notes")


def _request_headers(header: str) -> dict[str, str]:
    """`header` (a session cookie or a Bearer token) as a client writing with it sends it."""
    name, value = header.split(": ", 1)
    if name != "Cookie":
        return {name: value}
    # A CSRF secret of our own, sent as cookie and header: what a browser's form would send.
    csrf = secrets.token_hex(16)
    return {"Cookie": f"{value}; {settings.CSRF_COOKIE_NAME}={csrf}", "X-CSRFToken": csrf}


def seed_notes(base_url: str, header: str, count: int = 20) -> None:
    """Give the user `header` authenticates `count` notes, through the API, unless it has them
    already."""
    headers = _request_headers(header)
    listing = urllib.request.Request(base_url + PATH, headers=headers)  # noqa: S310
    with urllib.request.urlopen(listing) as answer:  # noqa: S310  (our own server)
        if json.load(answer)["count"] >= count:
            return
    for n in range(count):
        body = json.dumps({"title": f"Note {n}", "body": "x" * 200}).encode()
        post = urllib.request.Request(  # noqa: S310  (our own server)
            base_url + PATH,
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(post).close()  # noqa: S310  (our own server)


def ratios(rows: dict[str, dict[str, float]]) -> dict[str, float]:
    """The cached list against its server's floor and the uncached list, and its tail."""
    cached, asgi_cached = rows["notes list (cached)"], rows["notes list (cached, ASGI)"]
    uncached = rows["notes list (uncached)"]
    return {
        "cached_over_floor": cached["rps"] / rows["floor"]["rps"],
        "uncached_over_floor": uncached["rps"] / rows["floor"]["rps"],
        "cached_over_uncached": cached["rps"] / uncached["rps"],
        "cached_p99_over_p50": cached["p99_ms"] / cached["p50_ms"],
        "asgi_cached_over_asgi_floor": asgi_cached["rps"] / rows["floor (ASGI)"]["rps"],
        "wsgi_cached_over_asgi_cached": cached["rps"] / asgi_cached["rps"],
        **metrics_ratios(rows),
        **bearer_ratios(rows),
    }


def bearer_ratios(rows: dict[str, dict[str, float]]) -> dict[str, float]:
    """The cached list read with a Bearer token against the floor, when the project has Supabase
    Auth: 0.5 or above, as with a session."""
    bearer = rows.get(BEARER_ROW[0])
    return {"bearer_cached_over_floor": bearer["rps"] / rows["floor"]["rps"]} if bearer else {}


def metrics_ratios(rows: dict[str, dict[str, float]]) -> dict[str, float]:
    """The cached list with metrics on (the default; tracing off) against the same list on a
    server with METRICS_ENABLED=False, in the same run: 0.95 or above (docs/metrics.md)."""
    metrics_off = rows["notes list (cached, metrics off)"]
    return {"metrics_on_over_off": rows["notes list (cached)"]["rps"] / metrics_off["rps"]}
