"""Serializers and fields that accept exactly what the OpenAPI schema says they accept."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from {{ cookiecutter.project_slug }}.platform.core.field_schemas import contract_refusals

_Instance = TypeVar("_Instance")

UNKNOWN_MEMBER = "Unknown field: this request's schema does not list it."


class StrictCharField(serializers.CharField):
    """A CharField that takes JSON strings only. DRF's also takes numbers (0 becomes "0"), which
    the schema's `type: string` does not promise: a client could come to rely on it."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class InputSerializer(serializers.Serializer[_Instance]):
    """A request body's serializer: a member it does not declare is refused (400 `invalid`, the
    message under the member's name in `errors`), and the schema says so (`additionalProperties:
    false`, core/schema.py). Ignored, a misspelt optional member ("bdoy") would pass as if it
    were absent. A query string's other parameters stay allowed: OpenAPI cannot close a query,
    and caches and proxies add their own.

    Its fields take exactly what the schema states for them (core/field_schemas.py): no value
    DRF would coerce from another JSON type, no text Django's validators accept beyond it."""

    def to_internal_value(self, data: Any) -> Any:
        refused = {**contract_refusals(self, data), **self.unknown_members(data)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):  # all of the body's problems at once
                raise serializers.ValidationError({**error.detail, **refused}) from error
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def unknown_members(self, data: Any) -> dict[str, list[ErrorDetail]]:
        if not isinstance(data, Mapping) or isinstance(data, QueryDict):
            return {}
        known = {name for name, field in self.fields.items() if accepts_input(field)}
        refusal = [ErrorDetail(UNKNOWN_MEMBER, code="unknown_field")]
        return {name: refusal for name in data if name not in known}


def accepts_input(field: serializers.Field[Any, Any, Any, Any]) -> bool:
    """Whether a request may send `field` (the schema lists it)."""
    return not field.read_only and not isinstance(field, serializers.HiddenField)
