"""A Server-Sent Events client for the project served in a subprocess (testing.servers)."""

import asyncio
import json
from dataclasses import dataclass, field

import httpx


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
