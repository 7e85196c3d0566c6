"""The bake's import contracts (pyproject.toml, `make lint`'s lint-imports) refuse an import that
goes up a layer: a platform package importing one above it, the platform importing the test
harness, an app importing another app's APIs, the benchmarks importing the harness."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import DEFAULT, Variant
from tests.test_example_app import SLUG, lint_imports

# Where an import is planted, what it imports, and the contract that must refuse it.
UPWARD_IMPORTS = {
    "core-imports-accounts": (
        f"{SLUG}/platform/core/errors.py",
        f"{SLUG}.platform.accounts.models",
        "Platform features in layers BROKEN",
    ),
    "rate-limit-imports-jobs": (
        f"{SLUG}/platform/rate_limit/rates.py",
        f"{SLUG}.platform.jobs.models",
        "Platform features in layers BROKEN",
    ),
    "platform-imports-testing": (
        f"{SLUG}/platform/accounts/selectors.py",
        f"{SLUG}.testing.fixtures",
        "Product apps over the test harness over the platform BROKEN",
    ),
    "app-imports-another-apps-apis": (
        f"{SLUG}/notes/services.py",
        f"{SLUG}.platform.jobs.apis",
        "Only URL modules and tests import an app's APIs BROKEN",
    ),
    "benchmarks-import-testing": (
        "benchmarks/cache.py",
        f"{SLUG}.testing.redis_servers",
        "The benchmarks import no test harness BROKEN",
    ),
}


@pytest.mark.parametrize("planted", UPWARD_IMPORTS.values(), ids=UPWARD_IMPORTS.keys())
def test_an_upward_import_breaks_its_contract(
    baked: Callable[[Variant], Path],
    checker_python: Path,
    tmp_path: Path,
    planted: tuple[str, str, str],
) -> None:
    importer, imported, contract = planted
    project = tmp_path / "project"
    shutil.copytree(baked(DEFAULT), project, ignore=shutil.ignore_patterns(".venv"))
    module = project / importer
    module.write_text(module.read_text() + f"\nimport {imported}  # noqa: E402\n")

    verdict = lint_imports(project, checker_python)

    assert verdict.startswith("exit 1"), verdict
    assert contract in verdict
    importer_module = importer.removesuffix(".py").replace("/", ".")
    assert f"{importer_module} -> {imported}" in verdict


def test_the_unchanged_bake_keeps_every_contract(
    baked: Callable[[Variant], Path], checker_python: Path
) -> None:
    verdict = lint_imports(baked(DEFAULT), checker_python)

    assert verdict.startswith("exit 0"), verdict
    assert "Contracts: 5 kept, 0 broken." in verdict
