"""The generated projects' own suites pass: installed as a user would (`make install`),
linted, type-checked and tested against the machine's real Postgres and Redis."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, MINIMAL, REDIS_URL, Variant, database_url, ok, run


@pytest.mark.slow
@pytest.mark.parametrize("variant", [DEFAULT, MINIMAL], ids=["default", "minimal"])
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
