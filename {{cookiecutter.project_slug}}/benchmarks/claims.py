"""A database read under the caller's claims (platform/core/claims_context.py: its transaction,
`request.jwt.claims` and role) against the same read without them, in one run.

Run: `make bench-claims` (needs a migrated database)."""

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from benchmarks.report import emit  # noqa: E402

from {{ cookiecutter.project_slug }}.platform.accounts.models import User  # noqa: E402
from {{ cookiecutter.project_slug }}.platform.core.claims_context import claims_context  # noqa: E402

# The most the claims context should add to a read, at p50.
ALLOWED_MS = 1.0


def timings_ms(contenders: dict[str, Callable[[], object]], calls: int) -> dict[str, list[float]]:
    """Each contender's call times, taking turns call by call so that noise hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(calls):
        for name, call in contenders.items():
            started = time.perf_counter()
            call()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    options = parser.parse_args()
    user = User.objects.create(username=f"bench-claims-{uuid.uuid4().hex[:8]}")
    claims = {"sub": str(uuid.uuid4()), "role": "authenticated", "aud": "authenticated"}

    def read() -> object:
        return User.objects.filter(pk=user.pk).first()

    def read_under_claims() -> object:
        with claims_context(claims):
            return read()

    contenders = {"read": read, "read under claims": read_under_claims}
    try:
        timings_ms(contenders, max(10, options.calls // 20))  # warm-up
        p50 = {
            name: statistics.median(values)
            for name, values in timings_ms(contenders, options.calls).items()
        }
    finally:
        user.delete()
    added = p50["read under claims"] - p50["read"]
    print(f"{'database read (one row by pk)':<32}{'p50 ms':>10}")
    for name, value in p50.items():
        print(f"{name:<32}{value:>10.3f}")
    verdict = "met" if added <= ALLOWED_MS else "MISSED"
    print(f"added by the claims context at p50 = {added:.3f} ms (<= {ALLOWED_MS:g} ms: {verdict})")
    emit("claims", {"p50_ms": p50, "added_p50_ms": added})


if __name__ == "__main__":
    main()
