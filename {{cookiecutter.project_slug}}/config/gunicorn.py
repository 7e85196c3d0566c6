"""gunicorn, the production web server: the API, admin and pages under WSGI sync workers.

Measured (docs/web-servers.md): sync workers serve the API at about three times the requests/s of
uvicorn workers on the same cores, with a tight tail, because a sync view under ASGI pays thread
hops on every request.
{%- if cookiecutter.use_realtime == "y" %} The one thing WSGI cannot serve is the event stream, which waits for
hours: config/gunicorn_events.py serves it under ASGI, and the proxy routes /api/events/stream/
there.
{%- endif %}
Sync workers handle one request at a time, so they belong behind a buffering reverse proxy
(Caddy in the production compose file) that absorbs slow clients.

Every value can be tuned from the environment without rebuilding the image.
"""

import multiprocessing
import os
from typing import TYPE_CHECKING, Any

from config.env import env, read_env_file
from config.proxies import trusted_proxies

from {{ cookiecutter.project_slug }}.platform.observability.log_records import (
    log_config_parts,
    log_format,
)
from {{ cookiecutter.project_slug }}.platform.observability.multiprocess import (
    mark_worker_dead,
    prepare_metrics_directory,
    remove_metrics_directory,
)

if TYPE_CHECKING:
    from {{ cookiecutter.project_slug }}.platform.observability.tracing import ProcessKind

# The env file is read first, as Django's settings do, so its values count here too.
read_env_file()

bind = env.str("GUNICORN_BIND", default="0.0.0.0:8000")
worker_class = "sync"
workers = env.int("WEB_CONCURRENCY", default=multiprocessing.cpu_count() * 2 + 1)
# A request stuck longer than this gets its worker restarted.
timeout = env.int("GUNICORN_TIMEOUT", default=60)
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", default=30)
keepalive = env.int("GUNICORN_KEEPALIVE", default=5)
# Recycle workers now and then (jittered, so they do not all restart at once): bounds any leak.
# Rarely: a worker re-imports Django when it restarts (measured: at 2,000 requests per worker,
# restarts under load timed requests out).
max_requests = env.int("GUNICORN_MAX_REQUESTS", default=50_000)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", default=5_000)
accesslog = "-"
errorlog = "-"
loglevel = env.str("GUNICORN_LOG_LEVEL", default="info")
# The server's own lines (access, errors, uvicorn's under the events server) in the shape of the
# app's (DJANGO_LOG_FORMAT, docs/logging.md): one parser reads every line of the container.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    **log_config_parts(log_format=log_format()),
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        # Not propagated: Django's LOGGING gives the root logger a handler of its own.
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
# X-Forwarded-For/-Proto are believed only from TRUSTED_PROXIES, the list Django reads too (never
# "*": the client writes those headers).
forwarded_allow_ips = ",".join(trusted_proxies())
# No control socket (gunicorn 25.1+, for `gunicornc`): the worker count comes from the environment.
# Its default place, $HOME/.gunicorn, is not writable by the image's user (home /app, root's), so
# every start logged an error; and two servers on one host (web and events) would share the path.
control_socket_disable = True


# Metrics (docs/metrics.md): every worker writes to one directory, so any worker answers a scrape
# for all of them. Set in the master before a worker forks: a worker picks its storage at import.
def on_starting(server: object) -> None:
    prepare_metrics_directory("web")


def child_exit(server: object, worker: Any) -> None:
    mark_worker_dead(worker.pid)


def on_exit(server: object) -> None:
    remove_metrics_directory()


def trace_after_fork(process_kind: "ProcessKind") -> None:
    """Traces (docs/tracing.md), started in each worker after fork: the exporter's thread and
    connections would not survive one."""
    from {{ cookiecutter.project_slug }}.platform.observability.tracing import start_tracing

    # Django's instrumentation reads settings.MIDDLEWARE before the worker loads the application
    # (config/wsgi.py and config/asgi.py default to the same module).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    start_tracing(process_kind)


def post_fork(server: Any, worker: Any) -> None:
    trace_after_fork("web")


def worker_exit(server: Any, worker: Any) -> None:
    """The spans the worker still holds are exported before it exits."""
    from {{ cookiecutter.project_slug }}.platform.observability.tracing import stop_tracing

    stop_tracing()
