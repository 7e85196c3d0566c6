"""The generated projects' own suites pass: installed as a user would (`make install`),
linted, type-checked and tested against the machine's real Postgres and Redis."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import (
    ALL_VARIANTS,
    DEFAULT,
    MINIMAL,
    REDIS_URL,
    Variant,
    database_url,
    ok,
    option_defaults,
    run,
)


def session_backend(variant: Variant) -> str:
    return {**option_defaults(), **variant.answers}["session_backend"]


# The default and minimal projects, plus a bake for each session backend they leave untested.
SUITE_VARIANTS = [DEFAULT, MINIMAL]
SUITE_VARIANTS += [
    variant
    for variant in ALL_VARIANTS
    if variant.name.startswith("session_backend=")
    and session_backend(variant) not in {session_backend(known) for known in SUITE_VARIANTS}
]


@pytest.mark.slow
@pytest.mark.parametrize(
    "variant", SUITE_VARIANTS, ids=[variant.name for variant in SUITE_VARIANTS]
)
def test_generated_project_installs_and_passes_its_own_checks(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    env = {"DATABASE_URL": database_url(variant), "REDIS_URL": REDIS_URL}

    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "lint"], cwd=project))
    ok(run(["make", "typecheck"], cwd=project))
    ok(run(["make", "check-deploy"], cwd=project))
    tests = ok(run(["make", "test"], cwd=project, env=env))

    assert " passed" in tests
    assert " failed" not in tests
    assert "skipped" not in tests
