"""Option conditionals stay in the composition roots (settings, URLconf, pyproject, compose files,
README): the platform's and the harness's Python holds almost none. Code that exists for one option
lives in modules the post-generation hook deletes when the option is off."""

from pathlib import Path

from tests.bakery import TEMPLATE

PACKAGE = TEMPLATE / "{{cookiecutter.project_slug}}" / "{{cookiecutter.project_slug}}"
PLATFORM = PACKAGE / "platform"
HARNESS = PACKAGE / "testing"
# Lines with a template tag allowed in the platform's and the harness's Python, tests included.
TAG_BUDGET = 10
# Of those, lines allowed in test modules (every module of a `tests` package) and the harness.
TEST_TAG_BUDGET = 3


def tagged_lines(paths: list[Path]) -> list[str]:
    """Each line with a `{%` tag, as "path:line: text"."""
    return [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(paths)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "{%" in line
    ]


def python_files(root: Path) -> list[Path]:
    return list(root.rglob("*.py"))


def is_test_module(path: Path) -> bool:
    return "tests" in path.relative_to(PACKAGE).parts


def test_the_platform_and_the_harness_keep_within_the_tag_budget() -> None:
    tagged = tagged_lines(python_files(PLATFORM) + python_files(HARNESS))

    assert len(tagged) <= TAG_BUDGET, "\n".join(tagged)


def test_the_platform_tests_and_the_harness_keep_within_their_tag_budget() -> None:
    test_code = [path for path in python_files(PLATFORM) if is_test_module(path)]
    tagged = tagged_lines(test_code + python_files(HARNESS))

    assert len(tagged) <= TEST_TAG_BUDGET, "\n".join(tagged)
