"""The hot path's budget: what a cached list read may send to Redis and ask of the database.

A logged-in client's second read of a cached list page loads its session and user, passes the
rate limit and reads the page with its owner's version; nothing else. Which Redis commands and
tables that takes depends on the session store the project was generated with, so it is decided
here, once, for every app's test of its cached list.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.testing.redis_commands import redis_commands_sent

PROJECT_PACKAGE = __name__.split(".")[0]


@dataclass(frozen=True)
class HotPathBudget:
    redis_commands: list[str]
    tables_read: list[str]


# What loading the session and its user costs, by store. The project's Redis store reads both in
# one MGET; Django's cached_db store GETs the session, then the user's signed copy
# (accounts/user_copies.py); Django's database store reads the session row from Postgres
# and the copy from the cache.
PROJECT_STORE_READS = HotPathBudget(redis_commands=["MGET"], tables_read=[])
DJANGO_STORE_READS = {
    "django.contrib.sessions.backends.cached_db": HotPathBudget(["GET", "GET"], []),
    "django.contrib.sessions.backends.db": HotPathBudget(["GET"], ["django_session"]),
}
# Then the rate limit (one EVALSHA of the GCRA script) and the page with its version (one MGET,
# platform/caching/owner_cache.py). Sessions, rate limit and cache may be three servers: none can
# be merged.
CACHED_LIST_READ_REDIS_COMMANDS = ["EVALSHA", "MGET"]


def session_reads() -> HotPathBudget:
    """What the configured SESSION_ENGINE costs a logged-in request."""
    engine = settings.SESSION_ENGINE
    if engine.startswith(f"{PROJECT_PACKAGE}."):
        return PROJECT_STORE_READS
    if engine not in DJANGO_STORE_READS:
        raise AssertionError(f"No hot-path budget for SESSION_ENGINE {engine!r}: add one here.")
    return DJANGO_STORE_READS[engine]


def cached_list_read_budget() -> HotPathBudget:
    """Everything a logged-in client's cached list read may cost, in order."""
    session = session_reads()
    return HotPathBudget(
        redis_commands=[*session.redis_commands, *CACHED_LIST_READ_REDIS_COMMANDS],
        tables_read=session.tables_read,
    )


def tables_read(queries: list[dict[str, str]]) -> list[str]:
    """The table each query reads from; a query that reads none (a write) as its SQL."""
    reads = [(re.search(r'\bFROM "(\w+)"', query["sql"]), query["sql"]) for query in queries]
    return [match[1] if match else sql for match, sql in reads]


def assert_cached_list_read_within_budget(client: Client, url: str) -> Any:
    """Reads `url` twice with the logged-in `client` and asserts that the second read, served
    from the cache, sent exactly the budgeted Redis commands and read only the budgeted tables.
    Returns the second response's JSON, for the caller's own checks of what it listed."""
    assert client.get(url).status_code == 200  # caches the page and the session's user
    budget = cached_list_read_budget()

    with redis_commands_sent() as sent, CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert sent == budget.redis_commands, f"Redis commands of a cached read of {url}"
    assert tables_read(queries.captured_queries) == budget.tables_read, f"SQL of {url}"
    return response.json()
