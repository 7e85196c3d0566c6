"""prometheus-client's multiprocess mode for the servers' workers (docs/metrics.md).

Each gunicorn worker (and each pool process of a background worker) writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR and a scrape sums them. The variable must be set before a worker imports
prometheus_client (it picks its storage at import), so the server's master sets it in gunicorn's
`on_starting`, before any worker forks (config/gunicorn.py).
This module imports neither Django nor prometheus_client at import time for that reason: the
gunicorn config files import it in the master.
"""

import os
import shutil
import tempfile
from pathlib import Path

from config.env import env


def multiprocess_directory() -> str:
    """The directory the metrics of this server's processes live in; empty when single-process."""
    directory: str = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
    return directory


def prepare_metrics_directory(process_kind: str) -> None:
    """Give this server (web, events, ...) an empty directory of its own and name it in the
    environment its workers inherit. Emptied at start: files of a previous run's workers would
    otherwise be summed in forever.

    METRICS_MULTIPROC_ROOT (default: the temporary directory) holds one directory per server kind
    and master process, so two servers on one host never share or empty each other's."""
    if not env.bool("METRICS_ENABLED", default=True):
        return
    root = Path(env.str("METRICS_MULTIPROC_ROOT", default=tempfile.gettempdir()))
    directory = root / f"prometheus-{process_kind}-{os.getpid()}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    # Written, not read: the workers forked from here inherit it (env reads it back).
    env.ENVIRON["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def mark_worker_dead(pid: int) -> None:
    """Forget a dead worker's live gauges (open streams, pool connections): its counters stay
    summed, as Prometheus expects of counters."""
    if not multiprocess_directory():
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, multiprocess_directory())  # type: ignore[no-untyped-call]


def remove_metrics_directory() -> None:
    """Delete this server's directory when it stops (the next start makes a new one)."""
    directory = multiprocess_directory()
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
