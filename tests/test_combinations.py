"""Every pair of option values is baked together at least once, and each such bake is green:
installed as a user would (`make install`), linted, type-checked, its docs built, its migrations
complete and its fast tier passing against the machine's real Postgres and Redis.

The single-flip variants (tests/bakery.py) change one option at a time, so a fault that needs two
non-default answers (database sessions with the example app's round-trip test, say) went unseen.
COVERING_ARRAY below is a pairwise covering array: 12 rows, the least any array can have with a
4-valued and a 3-valued option (every license must meet every session backend once). It was found
by a local search and is checked in so that bakes stay the same from run to run; the first test
proves that every pair is in it, and fails when an option or a value is added until a row covers
it.

Pairs are counted over the answers a bake really has. `use_celery_beat=y` with `use_celery=n` is
turned off by the hooks (`__celery_beat`), so that pair cannot be baked and is not asked for; the
table states the answers as baked (beat `n` wherever Celery is `n`).

The system tier keeps running on the suite variants (tests/test_generated_suites.py,
tests/test_ci_workflow.py): the rows those tests already bake and check are listed in
ALREADY_CHECKED and not baked here again."""

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bakery import (
    DEFAULT,
    REDIS_URL,
    Variant,
    database_url,
    ok,
    option_values,
    run,
)
from tests.test_ci_workflow import MINIMAL_WITH_CI
from tests.test_generated_suites import SUITE_VARIANTS

COLUMNS = (
    "use_celery",
    "use_celery_beat",
    "session_backend",
    "use_supabase_auth",
    "use_supabase_storage",
    "use_realtime",
    "use_sentry",
    "include_example",
    "ci",
    "open_source_license",
)
# fmt: off
COVERING_ARRAY = [
    # celery, beat, sessions, auth, storage, realtime, sentry, example, ci, license
    ("y", "y", "redis", "y", "y", "y", "n", "y", "github", "MIT"),  # default
    ("n", "n", "database", "n", "n", "n", "n", "n", "github", "Not open source"),  # minimal-ci
    ("y", "y", "redis_with_db_fallback", "y", "y", "y", "n", "y", "github", "MIT"),
    ("n", "n", "database", "n", "n", "n", "y", "n", "none", "MIT"),
    ("y", "y", "redis", "n", "y", "n", "n", "n", "github", "BSD-3-Clause"),
    ("n", "n", "redis_with_db_fallback", "n", "n", "y", "y", "y", "none", "BSD-3-Clause"),
    ("y", "y", "database", "y", "n", "y", "y", "n", "none", "BSD-3-Clause"),
    ("n", "n", "redis", "y", "n", "y", "n", "n", "none", "Apache-2.0"),
    ("y", "y", "redis_with_db_fallback", "y", "n", "n", "y", "n", "github", "Apache-2.0"),
    ("n", "n", "database", "n", "y", "n", "n", "y", "github", "Apache-2.0"),
    ("y", "n", "redis", "y", "y", "n", "y", "n", "github", "Not open source"),
    ("y", "y", "redis_with_db_fallback", "y", "y", "y", "n", "y", "none", "Not open source"),
]
# fmt: on

Answers = dict[str, str]
Pair = tuple[tuple[str, str], tuple[str, str]]


def row_answers(row: tuple[str, ...]) -> Answers:
    return dict(zip(COLUMNS, row, strict=True))


def as_baked(answers: Answers) -> Answers:
    """The answers a bake has: beat is off without Celery (hooks, `__celery_beat`)."""
    return {**answers, "use_celery_beat": "n"} if answers["use_celery"] == "n" else answers


def pairs(answers: Answers) -> set[Pair]:
    return set(itertools.combinations(sorted(answers.items()), 2))


def possible_pairs() -> set[Pair]:
    """Every pair of values of two different options that some bake can have."""
    every_row = itertools.product(*(values for values in option_values().values()))
    return {
        pair
        for row in every_row
        for pair in pairs(as_baked(dict(zip(option_values(), row, strict=True))))
    }


def full_answers(variant: Variant) -> Answers:
    defaults = {name: values[0] for name, values in option_values().items()}
    return as_baked({**defaults, **variant.answers})


# Rows another test bakes and checks with at least what this module does (install, lint,
# typecheck, docs, makemigrations --check, the fast tier): the generated CI workflow run natively
# for the default and minimal-ci bakes, `make test` (and tests/test_bake.py's makemigrations) for
# the other suite variants.
ALREADY_CHECKED = [DEFAULT, MINIMAL_WITH_CI, *SUITE_VARIANTS]

MATRIX_VARIANTS = [
    Variant(f"pairs-{number:02d}", row_answers(row))
    for number, row in enumerate(COVERING_ARRAY, start=1)
    if row_answers(row) not in [full_answers(checked) for checked in ALREADY_CHECKED]
]


def test_every_pair_of_option_values_is_in_a_row_of_the_covering_array() -> None:
    assert list(COLUMNS) == list(option_values()), "a column per option of cookiecutter.json"
    rows = [row_answers(row) for row in COVERING_ARRAY]
    covered = set().union(*(pairs(row) for row in rows))

    missing = possible_pairs() - covered
    assert not missing, f"no row of COVERING_ARRAY has these pairs: {sorted(missing)}"
    # The rows say what is baked: no row asks for beat without Celery.
    assert [as_baked(row) for row in rows] == rows
    assert len(set(COVERING_ARRAY)) == len(COVERING_ARRAY)


def test_the_rows_left_to_other_tests_are_the_ones_they_bake() -> None:
    rows = [row_answers(row) for row in COVERING_ARRAY]
    reused = [row for row in rows if row in [full_answers(v) for v in ALREADY_CHECKED]]

    assert full_answers(DEFAULT) in reused
    assert full_answers(MINIMAL_WITH_CI) in reused
    assert len(MATRIX_VARIANTS) == len(rows) - len(reused)


@pytest.mark.slow
@pytest.mark.parametrize("variant", MATRIX_VARIANTS, ids=[v.name for v in MATRIX_VARIANTS])
def test_each_combination_installs_and_passes_its_fast_checks(
    baked: Callable[[Variant], Path], variant: Variant
) -> None:
    project = baked(variant)
    env = {"DATABASE_URL": database_url(variant), "REDIS_DURABLE_URL": REDIS_URL}

    ok(run(["make", "install"], cwd=project))
    ok(run(["make", "lint"], cwd=project))
    ok(run(["make", "typecheck"], cwd=project))
    ok(run(["make", "docs"], cwd=project))
    makemigrations = [".venv/bin/python", "manage.py", "makemigrations", "--check", "--dry-run"]
    ok(run(makemigrations, cwd=project, env=env))
    tests = ok(run(["make", "test-fast"], cwd=project, env=env))

    assert " passed" in tests
    assert " failed" not in tests
    assert "skipped" not in tests
