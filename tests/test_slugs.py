"""Any project slug bakes a project that passes its own `make lint` and `make typecheck`.

The template is written for the default slug, so two things could depend on the slug's spelling:
where its imports sort among `benchmarks` and `config`, and whether the lines that name it fit
100 columns. The shortest slug, one that sorts after `config`, and the longest one the
pre-generation hook accepts cover both, with every option on by default and with every option off.
"""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import (
    DEFAULT,
    MINIMAL,
    REDIS_URL,
    Variant,
    database_url,
    ok,
    pre_gen_hook,
    run,
)

# One worker bakes them all: each variant is baked once per worker.
pytestmark = pytest.mark.xdist_group("slugs")

LONGEST_SLUG = ("acme_logistics_" * 4)[: pre_gen_hook().MAX_SLUG_LENGTH]
SLUGS = ["a", "zz", LONGEST_SLUG]


def with_slug(base: Variant, slug: str) -> Variant:
    return Variant(f"{base.name}-slug-{slug}", {**base.answers, "project_slug": slug})


SLUG_VARIANTS = [with_slug(base, slug) for slug in SLUGS for base in (DEFAULT, MINIMAL)]


@pytest.mark.parametrize("variant", SLUG_VARIANTS, ids=lambda variant: variant.name)
def test_ruff_finds_nothing_to_change_whatever_the_slug(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)

    ok(run(["ruff", "check", "--no-cache", "."], cwd=project))
    ok(run(["ruff", "format", "--no-cache", "--check", "."], cwd=project))


def test_the_longest_slug_keeps_the_import_contracts_and_typechecks(
    baked: Callable[[Variant], Path], checker_python: Path
) -> None:
    project = baked(with_slug(DEFAULT, LONGEST_SLUG))
    # The bake is not installed: the checker venv has its dependencies, the bake is on the path.
    env = {"PYTHONPATH": str(project)}

    lint_imports = checker_python.parent / "lint-imports"
    ok(run([str(lint_imports), "--no-cache", "--no-logo"], cwd=project, env=env))
    ok(run([str(checker_python), "-m", "mypy", "."], cwd=project, env=env))


@pytest.mark.slow
def test_a_long_app_name_scaffolds_lint_clean_in_the_longest_slug(
    baked: Callable[[Variant], Path],
) -> None:
    """`make app` wires the app into config/urls.py with a line that names the package and the
    app twice: it must come out formatted however long both names are."""
    variant = Variant("scaffold-longest-slug", {"project_slug": LONGEST_SLUG})
    project = baked(variant)  # its own bake: `make app` changes it
    env = {"DATABASE_URL": database_url(variant), "REDIS_DURABLE_URL": REDIS_URL}
    ok(run(["make", "install"], cwd=project))

    ok(run(["make", "app", "NAME=warehouse_inventory_adjustments"], cwd=project, env=env))

    assert "warehouse_inventory_adjustments.urls" in (project / "config" / "urls.py").read_text()
    ok(run(["make", "lint"], cwd=project))
