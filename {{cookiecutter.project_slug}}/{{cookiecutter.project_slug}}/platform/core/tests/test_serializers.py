"""A request body with a member its serializer does not declare is refused, naming the member,
as the schema's `additionalProperties: false` says (core/serializers.py InputSerializer); a
query string's other parameters stay allowed."""

from typing import Any

import pytest
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.platform.accounts.models import User
from {{ cookiecutter.project_slug }}.platform.core.serializers import (
    UNKNOWN_MEMBER,
    InputSerializer,
)
from {{ cookiecutter.project_slug }}.testing.harness_app.urls import HARNESS_URL


class Input(InputSerializer[Any]):
    name = serializers.CharField()
    id = serializers.IntegerField(read_only=True)


def test_a_body_member_the_serializer_does_not_declare_is_a_400_naming_it(
    api_client: APIClient, user: User
) -> None:
    response = api_client.post(HARNESS_URL, {"name": "kept", "nmae": "typo"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "code": "invalid",
        "errors": {"nmae": [UNKNOWN_MEMBER]},
    }
    user.refresh_from_db()
    assert user.first_name == ""  # nothing was stored


def test_an_unknown_member_is_listed_with_the_bodys_other_errors() -> None:
    data = Input(data={"errors": {}, "name": ""})

    assert not data.is_valid()
    assert set(data.errors) == {"errors", "name"}


def test_a_read_only_field_is_no_member_of_a_request_body() -> None:
    data = Input(data={"name": "a", "id": 1})

    assert not data.is_valid()
    assert data.errors == {"id": [UNKNOWN_MEMBER]}
    assert data.errors["id"][0].code == "unknown_field"


def test_a_query_strings_other_parameters_stay_allowed() -> None:
    query = Input(data=QueryDict("name=a&utm_source=mail"))

    assert query.is_valid(), query.errors
    assert query.validated_data == {"name": "a"}


@pytest.mark.parametrize("body", [["name"], "name", None])
def test_a_body_that_is_no_object_is_refused_as_before(body: Any) -> None:
    data = Input(data=body)

    assert not data.is_valid()
    assert "non_field_errors" in data.errors
