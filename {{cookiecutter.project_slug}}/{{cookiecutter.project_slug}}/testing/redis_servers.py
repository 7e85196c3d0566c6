"""A redis-server of the test's own, on a free port: tests may stop, restart or fill it
without touching the shared Redis."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.testing.ports import free_port, listening


class OwnRedis:
    def __init__(self, workdir: Path, *extra_args: str, config: str = "") -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: install Redis to run the outage tests.")
        self.binary = binary
        self.workdir = workdir
        self.extra_args = extra_args
        self.port = free_port()
        # A configuration file comes first on the command line (sentinels must have one: they
        # rewrite it with what they learn).
        self.config_file = workdir / f"redis-{self.port}.conf"
        self.config_file.write_text(config)
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0, password: str | None = None) -> str:
        credentials = f":{password}@" if password else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        args = [self.binary, str(self.config_file), "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.workdir), *self.extra_args]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 10
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
