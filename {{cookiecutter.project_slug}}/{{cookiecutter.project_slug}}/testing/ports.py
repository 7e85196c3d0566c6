"""Local ports for the harness: the benchmarks' own helpers, which need nothing of pytest."""

from benchmarks.ports import free_port, listening

__all__ = ["free_port", "listening"]
