"""One process of `make bench-realtime`'s clients (benchmarks/realtime.py starts several).

Each holds its share of the event streams on plain asyncio sockets: an HTTP client library's
per-line work, times ten thousand streams, would be measured instead of the server. No Django
here, for the same reason. Its orders come as one JSON line on stdin; it prints `connected` once
every stream it holds has said so, then one JSON line: each event's publish-to-receive latency
(the publisher puts its clock in the event) and the streams that failed, with why.
"""

import asyncio
import json
import resource
import sys
import time
from dataclasses import dataclass, field

# Connections opened at once by one process: the server's listen backlog must not overflow.
OPENING_AT_ONCE = 100


@dataclass(frozen=True)
class Orders:
    host: str
    port: int
    request: str  # the HTTP request that opens one stream
    streams: int
    events: int  # how many each stream waits for
    deadline: float  # seconds, once connected, for every event to arrive


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    settled: int = 0  # connected or failed
    cpu_seconds: float = 0.0  # this process's, from every stream connected to the last event
    all_settled: asyncio.Event = field(default_factory=asyncio.Event)

    def settle(self, orders: Orders) -> None:
        self.settled += 1
        if self.settled == orders.streams:
            self.all_settled.set()


async def _open(
    orders: Orders, gate: asyncio.Semaphore
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A stream that said `: connected` (its headers and first comment read). Hold on to the
    writer: a collected StreamWriter closes its connection."""
    async with gate:
        reader, writer = await asyncio.open_connection(orders.host, orders.port)
        writer.write(orders.request.encode())
        status = await reader.readline()
        if b" 200 " not in status:
            raise ConnectionError(f"answered {status.decode().strip()!r}")
        while not (line := await reader.readline()).startswith(b": connected"):
            if not line:
                raise ConnectionError("closed before `: connected`")
    return reader, writer


async def _hold(orders: Orders, gate: asyncio.Semaphore, tally: Tally) -> None:
    try:
        reader, writer = await _open(orders, gate)
    except OSError as error:
        tally.failures.append(str(error) or type(error).__name__)
        tally.settle(orders)
        return
    tally.settle(orders)
    try:
        await _receive(reader, orders, tally)
    finally:
        writer.close()


async def _receive(reader: asyncio.StreamReader, orders: Orders, tally: Tally) -> None:
    received = 0
    while received < orders.events:
        line = await reader.readline()
        if not line:
            tally.failures.append("closed before every event arrived")
            return
        if line.startswith(b"data: "):
            sent = json.loads(line[6:])["sent"]
            tally.latencies_ms.append((time.time() - sent) * 1000)
            received += 1


async def _run(orders: Orders) -> Tally:
    tally, gate = Tally(), asyncio.Semaphore(OPENING_AT_ONCE)
    holders = [asyncio.create_task(_hold(orders, gate, tally)) for _ in range(orders.streams)]
    await tally.all_settled.wait()
    print("connected", flush=True)
    tally.cpu_seconds = -time.process_time()
    _, late = await asyncio.wait(holders, timeout=orders.deadline)
    tally.cpu_seconds += time.process_time()
    for holder in late:
        holder.cancel()
    if late:
        tally.failures.append(f"{len(late)} streams still waiting for events at the deadline")
    return tally


def main() -> None:
    # Every stream is a file descriptor: as many as the hard limit allows.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tally = asyncio.run(_run(Orders(**json.loads(sys.stdin.readline()))))
    print(
        json.dumps(
            {
                "latencies_ms": tally.latencies_ms,
                "failures": tally.failures,
                "cpu_seconds": tally.cpu_seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
