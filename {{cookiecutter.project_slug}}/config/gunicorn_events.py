"""gunicorn with uvicorn workers: the event stream (/api/events/stream/), which needs ASGI.

The rest of the API runs under WSGI (config/gunicorn.py, whose settings this file starts from);
the reverse proxy sends /api/events/stream/ here. One async worker holds many streams, so a few
are enough (each holds at most REALTIME_MAX_STREAMS_PER_PROCESS).
"""

from typing import Any

from config.env import env
from config.gunicorn import *  # noqa: F403
from config.gunicorn import trace_after_fork

from {{ cookiecutter.project_slug }}.platform.observability.multiprocess import (
    prepare_metrics_directory,
)

worker_class = "uvicorn_worker.UvicornWorker"
workers = env.int("EVENTS_CONCURRENCY", default=2)
# Streams send keep-alives every 15 s, well within the timeout.
# Each worker serves requests on threads of its own (ASGI), so Django takes its connections from
# psycopg's pool (components/database.py); a stream gives its connection back once authenticated.
raw_env = [f"DATABASE_POOL={env.bool('DATABASE_POOL', default=True)}"]


def on_starting(server: object) -> None:  # type: ignore[no-redef]
    """The event stream's own metrics directory (its /metrics sums its own workers)."""
    prepare_metrics_directory("events")


# This server's own hook, in place of the web server's: its spans are the events service's.
def post_fork(server: Any, worker: Any) -> None:  # type: ignore[no-redef]
    trace_after_fork("events")
