"""Serializer fields that accept exactly what the OpenAPI schema says they accept."""

from typing import Any

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that takes JSON strings only. DRF's also takes numbers (0 becomes "0"), which
    the schema's `type: string` does not promise: a client could come to rely on it."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))
