"""The OpenAPI schema tells the whole truth (core/schema.py): it is valid without a warning,
every operation lists the errors it can answer in the one error shape, and what the schema says a
string field accepts is exactly what its serializer accepts."""

import re
import sys
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from django.core.management import call_command
from drf_spectacular.plumbing import ComponentRegistry
from rest_framework import serializers
from rest_framework.test import APIClient
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.core.schema import WHITESPACE, ApiAutoSchema
from {{ cookiecutter.project_slug }}.platform.core.serializers import StrictCharField

ERROR_SCHEMAS = {"#/components/schemas/Error", "#/components/schemas/ValidationError"}
RATE_LIMIT_HEADERS = {"Retry-After", "RateLimit", "RateLimit-Policy"}
# Text the fuzzer would not think of first: spaces of several kinds, NUL, line breaks, and the
# characters on which Python's whitespace and ECMA-262's `\s` disagree (\x1c-\x1f, \x85, \ufeff).
TEXTS = ["", " ", "  \t\n", "a", " a ", "\u00a0a\u2003", "a\x00", "\x00", "ab", "a b", "a\n"]
TEXTS += ["x" * 5, " " + "x" * 5 + " ", "x" * 6, "\x1c", "a\x1cb", "\x1c\x1d\x1e\x1f", "\f\v"]
TEXTS += ["\x85", "a\x85", "\u2028", "\u3000a\u205f", "\ufeff", " \ufeff ", "\u200b"]
# Who reads a schema's patterns: Python (hypothesis, Python validators), the JSON Schema validator
# schemathesis judges requests and responses with (ECMA-262), and a fuzzer that reads classes as
# ASCII (schemathesis draws from `\d`, `\w`, `\s` so).
READINGS: dict[str, Callable[[str, str], bool]] = {
    "python": lambda pattern, text: re.search(pattern, text) is not None,
    "ecma-262": lambda pattern, text: jsonschema_rs.is_valid({"pattern": pattern}, text),
    "ascii": lambda pattern, text: re.search(pattern, text, re.ASCII) is not None,
}


@pytest.fixture
def schema(anonymous_client: APIClient) -> dict[str, Any]:
    response = anonymous_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_schema_is_valid_without_a_warning(tmp_path: Path) -> None:
    # What `manage.py spectacular --validate --fail-on-warn` checks: it raises on either.
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "api.yaml"))

    assert "openapi: 3" in (tmp_path / "api.yaml").read_text()


def test_every_error_an_operation_lists_has_the_shared_error_shape(schema: dict[str, Any]) -> None:
    for name, operation in operations(schema):
        for status, response in operation["responses"].items():
            # The readiness check's 503 is a health report.
            if int(status) >= 400 and name not in ("GET /api/health/", "GET /api/health/ready/"):
                body = response["content"]["application/json"]["schema"]
                assert body["$ref"] in ERROR_SCHEMAS, f"{name} {status}"


def test_every_operation_that_needs_a_user_lists_the_refusal(schema: dict[str, Any]) -> None:
    secured = [(n, o) for n, o in operations(schema) if {} not in o.get("security", [{}])]

    assert secured
    for name, operation in secured:
        assert {"401", "429"} <= operation["responses"].keys(), name


def test_every_429_names_its_rate_limit_headers(schema: dict[str, Any]) -> None:
    limited = [(n, o["responses"]["429"]) for n, o in operations(schema) if "429" in o["responses"]]

    assert limited
    for name, response in limited:
        assert set(response["headers"]) == RATE_LIMIT_HEADERS, name
        assert all(header["required"] for header in response["headers"].values()), name


def test_every_body_lists_the_validation_parse_size_and_media_type_errors(
    schema: dict[str, Any],
) -> None:
    with_body = [(n, o) for n, o in operations(schema) if "requestBody" in o]

    assert with_body
    for name, operation in with_body:
        assert {"400", "413", "415"} <= operation["responses"].keys(), name
        assert "`parse_error`" in operation["responses"]["400"]["description"], name


def request_bodies(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Each operation's JSON request body schema, its component resolved (each alternative of a
    `oneOf`)."""
    components = schema["components"]["schemas"]

    def resolved(reference: dict[str, Any]) -> list[dict[str, Any]]:
        component = components[reference["$ref"].rsplit("/", 1)[1]]
        if "oneOf" in component:
            return [body for option in component["oneOf"] for body in resolved(option)]
        return [component]

    bodies = []
    for name, operation in operations(schema):
        if "requestBody" in operation:
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            bodies += [(name, component) for component in resolved(body)]
    return bodies


# Bodies another service defines: members it adds later are ignored, never refused (a refusal
# would fail its deliveries). Their schema says so.
OUTSIDE_EVENTS = {"POST /api/webhooks/supabase-auth/"}


def test_every_request_body_refuses_members_it_does_not_list(schema: dict[str, Any]) -> None:
    # What the serializers do (core/serializers.py InputSerializer): a validator's default would
    # allow them.
    bodies = request_bodies(schema)

    assert bodies
    for name, body in bodies:
        assert body["additionalProperties"] is (name in OUTSIDE_EVENTS), name


def test_a_plain_serializers_request_schema_says_it_ignores_other_members() -> None:
    class Plain(serializers.Serializer[Any]):
        name = StrictCharField()

    assert request_schema(Plain())["additionalProperties"] is True


def test_login_states_that_a_blank_username_or_password_is_refused(schema: dict[str, Any]) -> None:
    login = schema["components"]["schemas"]["LoginInput"]["properties"]

    assert re.search(login["username"]["pattern"], "") is None
    assert login["password"]["minLength"] == 1


def request_schema(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    """The request schema ApiAutoSchema gives `serializer`."""
    auto_schema = ApiAutoSchema()
    auto_schema.registry = ComponentRegistry()
    auto_schema.view = APIView(request=None)
    return dict(auto_schema._map_basic_serializer(serializer, "request"))


def text_field_schema(field: serializers.CharField) -> dict[str, Any]:
    """The request schema ApiAutoSchema gives `field`."""

    class Input(serializers.Serializer[Any]):
        text = field

    return dict(request_schema(Input())["properties"]["text"])


def accepted_by_schema(schema: dict[str, Any], text: str) -> dict[str, bool]:
    """Whether `schema` accepts `text`, in each reading of its pattern."""
    pattern = schema.get("pattern")
    fits = schema.get("minLength", 0) <= len(text) <= schema.get("maxLength", len(text))
    return {
        reading: fits and (pattern is None or matches(pattern, text))
        for reading, matches in READINGS.items()
    }


def accepted_by_field(field: serializers.CharField, text: str) -> bool:
    try:
        field.run_validation(text)
    except serializers.ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "make_field",
    [
        lambda: StrictCharField(),
        lambda: StrictCharField(max_length=5),
        lambda: StrictCharField(min_length=2, max_length=5),
        lambda: StrictCharField(allow_blank=True, max_length=5),
        lambda: StrictCharField(trim_whitespace=False),
        lambda: StrictCharField(trim_whitespace=False, allow_blank=True, max_length=5),
    ],
)
def test_a_text_fields_schema_accepts_exactly_what_the_field_accepts(make_field: Any) -> None:
    schema = text_field_schema(make_field())

    for text in TEXTS:
        field = make_field()
        field.bind("text", serializers.Serializer())
        accepted = accepted_by_field(field, text)
        assert accepted_by_schema(schema, text) == dict.fromkeys(READINGS, accepted), (text, schema)


def test_the_schemas_whitespace_is_what_str_strip_removes() -> None:
    # DRF trims with str.strip(): every code point (surrogates stand alone in no JSON string).
    whitespace = re.compile(f"[{WHITESPACE}]")
    code_points = chain(range(0xD800), range(0xE000, sys.maxunicode + 1))
    disagreements = [
        hex(point)
        for point in code_points
        if (whitespace.fullmatch(chr(point)) is not None) != chr(point).isspace()
    ]

    assert disagreements == []


def test_a_text_field_takes_strings_only() -> None:
    # DRF's own CharField takes 0 as "0": the schema's `type: string` promises no such thing.
    with pytest.raises(serializers.ValidationError):
        StrictCharField().run_validation(0)
