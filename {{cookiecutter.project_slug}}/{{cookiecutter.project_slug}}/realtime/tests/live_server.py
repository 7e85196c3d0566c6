"""The project under uvicorn in a subprocess, and Server-Sent Events clients for it."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from {{ cookiecutter.project_slug }}.core.tests.live_process import live_process_env
from {{ cookiecutter.project_slug }}.core.tests.redis_server import free_port

PROJECT_DIR = Path(__file__).resolve().parents[3]


class LiveServer:
    def __init__(self, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = live_process_env(**env)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "LiveServer":
        command = [sys.executable, "-m", "uvicorn", "config.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--lifespan", "off"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own server command)
                command, cwd=PROJECT_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start:\n{self.log()}")
            time.sleep(0.05)
        return self

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@dataclass
class SseClient:
    """Reads one event stream in the background and keeps what arrives."""

    events: list[tuple[str, str | None, dict[str, object]]] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def run(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
        async with client.stream("GET", url, headers=headers, timeout=None) as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line == "" and "event" in fields:
                    await self._keep(fields)
                    fields = {}
                elif ": " in line and not line.startswith(":"):
                    name, value = line.split(": ", 1)
                    fields[name] = value

    async def _keep(self, fields: dict[str, str]) -> None:
        async with self.arrived:
            self.events.append((fields["event"], fields.get("id"), json.loads(fields["data"])))
            self.arrived.notify_all()

    async def wait_for(self, count: int, timeout: float = 20) -> list[str]:
        async with self.arrived:
            await asyncio.wait_for(
                self.arrived.wait_for(lambda: len(self.events) >= count), timeout=timeout
            )
        return [name for name, _, _ in self.events]
