from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.realtime.tests.live_server import LiveServer


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start the project under uvicorn for this test; every server stops when it ends."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(tmp_path / f"uvicorn-{len(servers)}.log", **env)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
