"""The API's JSON parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): bounded and hostile-input safe.

DRF's own JSONParser reads the whole body through Django's `request.body`, so an oversized body
fails with Django's RequestDataTooBig (a 400 page outside the API's error shape), and a deeply
nested body (`[[[[...`) raises RecursionError in the json module: a 500. This parser reads at most
API_MAX_BODY_BYTES (+1 to tell "at the limit" from "over it") and answers both in the API's shape.
It deliberately does not subclass DRF's JSONParser: DRF special-cases that class to read
`request.body` before the parser runs.
"""

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this API accepts."
    default_code = "request_too_large"


def body_within(stream: IO[Any], parser_context: Mapping[str, Any], *, limit: int) -> bytes:
    """The request body, or RequestTooLarge when it is over `limit` bytes: a declared length over
    it is refused before a byte is read, and no more than `limit` + 1 bytes are ever read."""
    too_large = RequestTooLarge(f"The request body is over {limit} bytes.")
    request = parser_context.get("request")
    declared = request.META.get("CONTENT_LENGTH") if request is not None else None
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    body: bytes = stream.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON (RFC 8259); Python's json accepts them unless told not to.
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        body = body_within(stream, parser_context, limit=settings.API_MAX_BODY_BYTES)
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
            constant = _refuse_constant if api_settings.STRICT_JSON else None
            return json.loads(text, parse_constant=constant)
        except (ValueError, RecursionError) as error:
            # RecursionError: nesting deeper than the interpreter's stack (json has no own limit).
            raise ParseError(f"JSON parse error - {error}") from error
