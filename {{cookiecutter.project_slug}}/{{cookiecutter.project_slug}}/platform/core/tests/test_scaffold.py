"""`make app`'s checks and rendering, in process: a refused name raises before anything is
written, and a new app's files are rendered whole (tests/test_scaffold.py of the template runs
`make app` itself and the new app's checks)."""

import ast
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }}.platform.core.scaffold.app import (
    LAYERS_MARKER,
    join_product_layer,
    package_dir,
    plan,
)
from {{ cookiecutter.project_slug }}.platform.core.scaffold.names import ScaffoldError, app_names

WHERE = Path("pyproject.toml")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("json", "is a standard library Python module"),
        ("django", "is an installed Python module"),
        ("accounts", "is the label of the installed app"),
        ("testing", "already exists"),
        ("Bad-Name", "is not a valid app name"),
        ("class", "is not a valid app name"),
        ("groups", "is already an attribute of the user model"),
    ],
)
def test_a_refused_name_says_why(name: str, problem: str) -> None:
    with pytest.raises(ScaffoldError, match=problem):
        plan(name)


def test_a_plan_renders_every_file_and_writes_nothing() -> None:
    # A name no project's own app is likely to have: the test must not depend on the apps added.
    scaffold = plan("scaffold_check_entries")

    assert not scaffold.app_dir.exists()
    assert scaffold.app_dir == package_dir() / "scaffold_check_entries"
    for path, text in scaffold.files.items():
        assert "$" not in text, path
        ast.parse(text, filename=str(path))
    services = scaffold.files[scaffold.app_dir / "services.py"]
    assert 'f"scaffold_check_entries.scaffold_check_entry.{change}"' in services
    models = scaffold.files[scaffold.app_dir / "models.py"]
    assert "class ScaffoldCheckEntry(models.Model)" in models
    edited = "\n".join(scaffold.edits.values())
    assert 'path("api/scaffold_check_entries/", include(' in edited
    assert "(scaffold_check_entries)" in edited


@pytest.mark.parametrize(
    ("name", "model", "expected"),
    [
        ("bookmarks", None, ("bookmark", "Bookmark")),
        ("categories", None, ("category", "Category")),
        ("reading_lists", None, ("reading_list", "ReadingList")),
        ("news", "NewsItem", ("news_item", "NewsItem")),
    ],
)
def test_the_model_is_named_after_the_app_unless_given(
    name: str, model: str | None, expected: tuple[str, str]
) -> None:
    names = app_names(name, model)

    assert (names.model, names.model_class) == expected


def test_a_model_name_that_is_not_camel_case_is_refused() -> None:
    with pytest.raises(ScaffoldError, match="not a model name"):
        app_names("news", "news_item")


def test_a_new_app_joins_the_product_layer_independent_of_the_others() -> None:
    text = f'layers = [\n    "(notes)",\n    {LAYERS_MARKER}\n    "platform : testing",\n]\n'

    joined = join_product_layer(text, "bookmarks", where=WHERE)

    assert '    "(notes) | (bookmarks)",\n' in joined


def test_the_first_app_is_a_product_layer_of_its_own() -> None:
    text = f'layers = [\n    {LAYERS_MARKER}\n    "platform : testing",\n]\n'

    joined = join_product_layer(text, "bookmarks", where=WHERE)

    assert joined.splitlines()[1] == '    "(bookmarks)",'


def test_a_missing_marker_line_is_refused() -> None:
    with pytest.raises(ScaffoldError, match="make app"):
        join_product_layer('layers = [\n    "platform : testing",\n]\n', "x", where=WHERE)
