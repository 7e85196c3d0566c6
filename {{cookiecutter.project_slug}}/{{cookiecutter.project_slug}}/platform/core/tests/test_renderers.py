"""JSON the API encoded before (a cached page) is embedded as it is (core/renderers.py)."""

import json

from rest_framework import renderers

from {{ cookiecutter.project_slug }}.platform.core.renderers import (
    EncodedJSON,
    JSONRenderer,
    encode_json,
)

ITEMS = [{"id": 1, "title": "Café\u2028line", "body": '"quoted" <b>'}]


def test_an_encoded_value_is_sent_as_drf_would_have_encoded_it() -> None:
    page = {"count": 1, "next": None, "results": ITEMS}

    embedded = JSONRenderer().render({**page, "results": encode_json(ITEMS)})

    assert embedded == renderers.JSONRenderer().render(page)


def test_an_encoded_value_is_embedded_in_indented_output_too() -> None:
    # The browsable API renders with an indent.
    rendered = JSONRenderer().render(
        {"count": 1, "results": encode_json(ITEMS)}, "application/json; indent=4"
    )

    assert json.loads(rendered) == {"count": 1, "results": ITEMS}


def test_text_that_looks_like_a_placeholder_stays_text() -> None:
    # A client chooses the query string that `next` and `previous` repeat.
    data = {
        "next": "encoded-json:0123",
        "previous": '"encoded-json:0123"',
        "results": EncodedJSON("[1]"),
    }

    assert json.loads(JSONRenderer().render(data)) == {
        "next": "encoded-json:0123",
        "previous": '"encoded-json:0123"',
        "results": [1],
    }


def test_data_without_encoded_values_is_rendered_by_drf() -> None:
    data = {"a": [1, 2], "b": "text"}

    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)
    assert JSONRenderer().render([1, "x"]) == renderers.JSONRenderer().render([1, "x"])
