"""What this process sends to Redis, command by command: for tests that bound a request's round
trips. Counted where redis-py encodes each command (single or pipelined, any role, any client),
so the commands still go to the real server."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from redis.connection import HiredisRespSerializer, PythonRespSerializer

ENCODERS = (PythonRespSerializer, HiredisRespSerializer)


def _name(command: Any) -> str:
    return (command.decode() if isinstance(command, bytes) else str(command)).upper()


@contextmanager
def redis_commands_sent() -> Iterator[list[str]]:
    """The names of the Redis commands sent while the block runs (`["GET", "EVALSHA", ...]`)."""
    sent: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for encoder in ENCODERS:
            encode = encoder.pack

            def pack(self: Any, *args: Any, _encode: Any = encode) -> Any:
                sent.append(_name(args[0]))
                return _encode(self, *args)

            patch.setattr(encoder, "pack", pack)
        yield sent
