"""An InputSerializer's common fields accept exactly what their request schema states
(core/field_schemas.py): the JSON Schema validator schemathesis judges requests with (jsonschema-rs,
OpenAPI 3.0's draft 4, formats checked) and the field agree on every tricky input, so a contract
run finds no request the schema allows and the API refuses, nor the other way round."""

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
from django.http import QueryDict
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.plumbing import ComponentRegistry
from rest_framework import serializers
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.core.schema import ApiAutoSchema
from {{ cookiecutter.project_slug }}.platform.core.serializers import InputSerializer

# As schemathesis reads patterns (lookarounds included).
PATTERNS = jsonschema_rs.FancyRegexOptions(size_limit=150_000_000)
NOT_JSON_TEXT = [12, 12.5, True, ["x"], {"x": 1}]
HOST_253 = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
HOST_254 = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 62])
URLS = [
    "http://example.com",
    "https://a.b.example.co.uk/path/x;y?q=1&r=%41#frag/?",
    "http://localhost:8000/",
    "http://127.0.0.1/",
    "http://256.1.1.1/",
    "http://1.2.3.4.com/",
    "ftp://example.com",
    "ftps://example.com/file",
    "mailto:a@example.com",
    "javascript:alert(1)",
    f"http://{HOST_253}/",
    f"http://{HOST_254}/",
    f"http://{'a' * 64}.com/",
    "http://-a.com",
    "http://a-.com",
    "http://a.c0m",
    "http://example",
    "http://example.com.",
    "http://example.com:65535",
    "http://example.com:65536",
    "http://example.com:99999",
    "http://exa mple.com",
    " http://example.com",
    "http://example.com ",
    "http://example.com\n",
    "http://example.com/a b",
    "http://example.com/a\tb",
    "http://example.com/%zz",
    "http://example.com/<>",
    "http://example.com/\\",
    "http://user:pass@example.com",
    "http://[::1]/",
    "http://xn--nxasmq6b.com",
    "http://ex\u00e4mple.com",
    "http://example.com/\u00e4",
    "HTTP://EXAMPLE.COM",
    "http://example.com/" + "a" * 2029,
    "http://example.com/" + "a" * 2030,
    "http://a.com/x\x00",
    "",
    *NOT_JSON_TEXT,
]
EMAILS = [
    "a@example.com",
    "a.b+c@sub.example.org",
    "o'hara!#$%&*/=?^_`{|}~-@example.com",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@localhost",
    "a@example",
    "a@-example.com",
    "a@example-.com",
    "a@ex_ample.com",
    "a@example.c",
    "a@1.2.3.4",
    "a@[127.0.0.1]",
    '"quoted"@example.com',
    "a" * 64 + "@example.com",
    "a" * 65 + "@example.com",
    f"a@{HOST_253}",
    f"a@{HOST_254}",
    " a@example.com",
    "a@example.com ",
    "A@EXAMPLE.COM",
    "\u00e4@example.com",
    "a@\u00e4.com",
    "a@b@example.com",
    "",
    *NOT_JSON_TEXT,
]
SLUGS = ["abc", "a-b_c", "-", " abc", "abc ", "ab c", "", "\u00e4", "x" * 50, "x" * 51, "a\n"]
INTEGERS = [0, 1, 10, 11, -1, 10**30, "5", 5.0, 5.5, True, False, [5], "", "0x5"]
DECIMALS = [
    "123.45", "1234.5", "123.456", "-1.5", "+1.5", "1e2", "1E-2", " 1.5", "1.5 ", ".5", "1.",
    "", "-", ".", "00.5", "0", "-0", "0.00", "1.50", "99999", "NaN", "Infinity", "1,5", "\u0661",
    1.5, 12, True,
]  # fmt: skip
DATE_TIMES = [
    "2024-02-29T12:00:00Z",
    "2023-02-29T12:00:00Z",
    "2000-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2024-02-29T12:00:00+05:30",
    "2024-01-31T23:59:59.123456-01:00",
    "2024-01-31T23:59:59.1234567Z",
    "2024-04-31T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-01-01T00:00:00",
    "2024-01-01",
    "2024-01-01T00:00Z",
    "2024-01-01 00:00:00Z",
    "2024-01-01t00:00:00z",
    "2024-01-01T24:00:00Z",
    "2024-12-31T23:59:60Z",
    "2024-01-01T00:00:00+24:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    "0999-01-01T00:00:00Z",
    "20240101T000000Z",
    "2024-01-01T00:00:00Z\n",
    "\u0662024-01-01T00:00:00Z",
    1700000000,
    "",
]
UUIDS = [
    "12345678-1234-5678-1234-567812345678",
    "ABCDEF01-ABCD-ABCD-ABCD-ABCDEF012345",
    "12345678123456781234567812345678",
    "{12345678-1234-5678-1234-567812345678}",
    "urn:uuid:12345678-1234-5678-1234-567812345678",
    "1234-5678-1234-5678-1234-5678-1234-5678",
    " 12345678-1234-5678-1234-567812345678",
    "g2345678-1234-5678-1234-567812345678",
    2**100,
    "",
]
TEXT_CHOICES = ["a", "b", "", "c", "A", " a", 1, ["a"], True]
NUMBER_CHOICES = [1, 2, 3, "1", 1.0, True, None]
BOOLEANS = [True, False, "true", "True", 1, 0, "1", "yes", None]
FLOATS = [1.5, 1, -0.0, 1e308, "1.5", True, "nan"]
TEXTS = ["x", " x ", "", *NOT_JSON_TEXT]

CASES: list[tuple[str, Callable[[], serializers.Field[Any, Any, Any, Any]], list[Any]]] = [
    ("url", lambda: serializers.URLField(), URLS),
    ("short url", lambda: serializers.URLField(max_length=30), URLS),
    ("blank url", lambda: serializers.URLField(allow_blank=True), URLS),
    ("email", lambda: serializers.EmailField(), EMAILS),
    ("slug", lambda: serializers.SlugField(max_length=50), SLUGS),
    ("integer", lambda: serializers.IntegerField(), INTEGERS),
    ("bounded integer", lambda: serializers.IntegerField(min_value=1, max_value=10), INTEGERS),
    ("decimal", lambda: serializers.DecimalField(max_digits=5, decimal_places=2), DECIMALS),
    ("fraction", lambda: serializers.DecimalField(max_digits=3, decimal_places=3), DECIMALS),
    ("whole", lambda: serializers.DecimalField(max_digits=5, decimal_places=0), DECIMALS),
    (
        "price",
        lambda: serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0),
        DECIMALS,
    ),
    ("date-time", lambda: serializers.DateTimeField(), DATE_TIMES),
    ("text choice", lambda: serializers.ChoiceField(choices=["a", "b"]), TEXT_CHOICES),
    ("blank choice", lambda: serializers.ChoiceField(["a"], allow_blank=True), TEXT_CHOICES),
    ("number choice", lambda: serializers.ChoiceField(choices=[1, 2]), NUMBER_CHOICES),
    ("uuid", lambda: serializers.UUIDField(), UUIDS),
    ("boolean", lambda: serializers.BooleanField(), BOOLEANS),
    ("float", lambda: serializers.FloatField(), FLOATS),
    ("text", lambda: serializers.CharField(max_length=5), TEXTS),
]


def input_class(field: serializers.Field[Any, Any, Any, Any]) -> type[InputSerializer[Any]]:
    """An InputSerializer with one member, `value`."""
    return type("Input", (InputSerializer,), {"value": field})


def request_schema(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    """The request component ApiAutoSchema gives `serializer`."""
    auto_schema = ApiAutoSchema()
    auto_schema.registry = ComponentRegistry()
    auto_schema.view = APIView(request=None)
    return dict(auto_schema._map_basic_serializer(serializer, "request"))


def schema_accepts(schema: dict[str, Any], value: Any) -> bool:
    validator = jsonschema_rs.Draft4Validator(
        schema, validate_formats=True, pattern_options=PATTERNS
    )
    return bool(validator.is_valid({"value": value}))


def field_accepts(make_field: Callable[[], Any], value: Any) -> bool:
    return bool(input_class(make_field())(data={"value": value}).is_valid())


@pytest.mark.parametrize(("kind", "make_field", "values"), CASES, ids=[c[0] for c in CASES])
def test_a_fields_request_schema_accepts_exactly_what_the_field_accepts(
    kind: str, make_field: Callable[[], Any], values: list[Any]
) -> None:
    schema = request_schema(input_class(make_field())())

    disagreements = [
        (value, schema_accepts(schema, value))
        for value in values
        if schema_accepts(schema, value) != field_accepts(make_field, value)
    ]

    assert disagreements == [], schema["properties"]["value"]
    assert any(field_accepts(make_field, value) for value in values), "accepts something"


def test_a_url_whose_host_is_longer_than_253_characters_is_refused_as_the_schema_says() -> None:
    data = input_class(serializers.URLField())(data={"value": f"http://{HOST_254}/"})

    assert not data.is_valid()
    assert data.errors["value"][0].code == "invalid"


@pytest.mark.parametrize(
    ("field", "value"),
    [(serializers.CharField(), 12), (serializers.IntegerField(), "12")],
    ids=["number as text", "text as integer"],
)
def test_a_value_drf_would_coerce_from_another_json_type_is_refused(
    field: serializers.Field[Any, Any, Any, Any], value: Any
) -> None:
    data = input_class(field)(data={"value": value})

    assert not data.is_valid()
    assert data.errors["value"][0].code == "invalid"


def test_a_query_strings_text_still_reads_as_a_number() -> None:
    query = input_class(serializers.IntegerField(min_value=1))(data=QueryDict("value=12"))

    assert query.is_valid(), query.errors
    assert query.validated_data == {"value": 12}


@pytest.mark.parametrize(
    "field",
    [
        serializers.ChoiceField(choices=["a"], required=False),
        serializers.IntegerField(required=False),
        serializers.CharField(required=False),
    ],
    ids=["choice", "integer", "text"],
)
def test_an_optional_query_parameters_empty_text_is_refused_as_the_schema_says(
    field: serializers.Field[Any, Any, Any, Any],
) -> None:
    # DRF would read `?value=` as no parameter at all.
    query = input_class(field)(data=QueryDict("value="))

    assert not query.is_valid()
    assert "value" in query.errors


@pytest.mark.parametrize("text", ["1.0", "+1", " 1", "01", "1e2"])
def test_a_query_parameters_integer_is_spelled_as_in_json(text: str) -> None:
    query = input_class(serializers.IntegerField())(data=QueryDict(f"value={text}"))

    assert not query.is_valid()


def test_other_serializers_keep_drf_spectaculars_schema() -> None:
    class Plain(serializers.Serializer[Any]):
        value = serializers.URLField()

    assert request_schema(Plain())["properties"]["value"] == {"type": "string", "format": "uri"}


def test_a_decimal_bound_no_schema_can_state_is_a_schema_warning() -> None:
    field = serializers.DecimalField(max_digits=5, decimal_places=2, max_value=100)
    GENERATOR_STATS.reset()

    request_schema(input_class(field)())

    assert GENERATOR_STATS, "a warning fails `spectacular --fail-on-warn`"
    GENERATOR_STATS.reset()
