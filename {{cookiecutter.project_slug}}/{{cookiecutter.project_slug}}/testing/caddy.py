"""The project's own Caddyfile (the production compose file's proxy) run by the machine's `caddy`
in front of a live server, over plain HTTP on a port of its own."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.testing.ports import free_port, listening
from {{ cookiecutter.project_slug }}.testing.project import PROJECT_DIR
from {{ cookiecutter.project_slug }}.testing.servers import LiveServer


class CaddyProxy:
    def __init__(self, upstream: LiveServer, workdir: Path) -> None:
        binary = shutil.which("caddy")
        if binary is None:
            pytest.fail(
                "caddy is not installed: install Caddy (Debian: apt-get install caddy) to run "
                "the tests through the project's Caddyfile."
            )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [binary, "run", "--config", str(PROJECT_DIR / "Caddyfile")]
        self.command += ["--adapter", "caddyfile"]
        self.log_path = workdir / f"caddy-{self.port}.log"
        upstream_address = f"127.0.0.1:{upstream.port}"
        self.env = {
            **os.environ,
            # An http:// site: no certificate to obtain, no CA to install.
            "DOMAIN_NAME": self.url,
            "WEB_UPSTREAM": upstream_address,
            "EVENTS_UPSTREAM": upstream_address,
            "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
            "HOME": str(workdir),
            "XDG_DATA_HOME": str(workdir / "caddy-data"),
            "XDG_CONFIG_HOME": str(workdir / "caddy-config"),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "CaddyProxy":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (the machine's caddy, our Caddyfile)
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 20
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"caddy did not start:\n{self.log()}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]
