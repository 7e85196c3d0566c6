"""A real Celery worker in a subprocess, on the test database and the test run's own queue."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.platform.jobs.heartbeat import worker_heartbeats
from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR, live_process_env


class WorkerProcess:
    def __init__(
        self, name: str, log_path: Path, *, task_modules: Sequence[str] = (), **env: str
    ) -> None:
        """`task_modules`: modules of tasks the project does not import itself (a test's own)."""
        self.name = name
        self.log_path = log_path
        self.task_modules = task_modules
        # No metrics endpoint unless a test asks for one: workers of parallel tests share the host.
        defaults = {"WORKER_HEARTBEAT_INTERVAL": "0.5", "WORKER_METRICS_PORT": "0"}
        self.env = live_process_env(**{**defaults, **env})
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"]
        command += ["--concurrency=1", "--without-gossip", "--without-mingle"]
        command += [f"--include={module}" for module in self.task_modules]
        command += [f"--hostname={self.name}@%h", "--loglevel=INFO"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own worker command)
                command,
                cwd=PROJECT_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches the pool too
            )
        self._wait_for_heartbeat(timeout=60)
        return self

    def _wait_for_heartbeat(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(host.startswith(f"{self.name}@") for host in worker_heartbeats()):
            assert self.process is not None
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Celery worker {self.name} did not start:\n{self.log()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker and its pool, as the OOM killer or a crashed host would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]
