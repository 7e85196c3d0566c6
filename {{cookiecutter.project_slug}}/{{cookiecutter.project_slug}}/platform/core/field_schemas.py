"""Request fields whose schema says exactly what they accept, with no hand work per field.

DRF coerces ("12" passes as an integer, 12 as text) and Django's validators accept more than a
schema's `format` promises (a URL whose host is 300 characters long is a `format: uri` string and
a refused one). A contract tester then finds requests the schema allows and the API refuses, or
the other way round. So each common field of an InputSerializer (core/serializers.py) has a
contract: the JSON type it takes and, for text, a pattern and lengths that Django's validators
accept in full. The field refuses what its contract does not state, and the request schema
states the contract, so both are the same set.

Fields without a contract here (nested serializers, lists, a ListField's child, a RegexField) keep
DRF's behaviour and drf-spectacular's schema. Patterns use explicit ASCII classes and read the
same in Python and in ECMA-262, which JSON Schema validators use.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.validators import URLValidator
from django.http import QueryDict
from drf_spectacular.drainage import warn
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import ISO_8601, serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.settings import api_settings

Field = serializers.Field[Any, Any, Any, Any]

# A DNS name as Django's URL and email validators take it, within what RFC 1034 allows: labels of
# 1 to 63 letters, digits and inner hyphens, a top-level label of letters, 253 characters in all.
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN = r"(?=[A-Za-z0-9.-]{1,253}(?![A-Za-z0-9.-]))(?:" + LABEL + r"\.)+[A-Za-z]{2,63}"
OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
IPV4 = OCTET + r"(?:\." + OCTET + r"){3}"
PORT = r"(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
# RFC 3986's characters for a path segment, a query and a fragment (percent-escapes included).
PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
PATH_QUERY_FRAGMENT = (
    r"(?:/(?:" + PCHAR + r"|/)*)?(?:\?(?:" + PCHAR + r"|[/?])*)?(?:#(?:" + PCHAR + r"|[/?])*)?"
)
# Dot-atom local parts, at most 64 characters (RFC 5321).
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL = r"(?=[^@]{1,64}@)" + ATOM + r"(?:\." + ATOM + r")*@" + DOMAIN
SLUG = r"[-a-zA-Z0-9_]+"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# RFC 3339 date-times with valid days, seconds and an offset, years 1000 to 9998: converting one
# to the project's time zone can never overflow.
YEAR = r"(?:[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])"
LEAP_YEAR = (
    r"(?:(?:[1-8][0-9]|9[0-8])(?:0[48]|[2468][048]|[13579][26])|(?:[13579][26]|[2468][048])00)"
)
MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DATE = r"(?:" + YEAR + "-" + MONTH_DAY + "|" + LEAP_YEAR + r"-02-29)"
TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
DATE_TIME = DATE + "T" + TIME + OFFSET
# JSON's numbers, as a query string carries them.
INTEGER = r"-?(?:0|[1-9][0-9]*)"
NUMBER = INTEGER + r"(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
DATE_TIME_FORMAT = "YYYY-MM-DDThh:mm:ss[.uuuuuu](Z or +hh:mm)"


@dataclass(frozen=True)
class Contract:
    """What a field takes: JSON values of `types` and, for text, what matches `pattern` (whole)
    and the lengths; in a query string, text that `query_pattern` matches. `error` is the
    field's message for anything else."""

    types: tuple[type, ...]
    error: str = "invalid"
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[Any, ...] | None = None
    query_pattern: str | None = None

    def takes(self, value: Any, *, typed: bool = True) -> bool:
        """Whether the field takes `value`, a parsed JSON value or, untyped, a query's text."""
        if not typed:
            return self.takes_query_text(str(value))
        if self.choices is not None:
            return any(json_equal(value, choice) for choice in self.choices)
        if json_type(value) not in {json_type(kind()) for kind in self.types}:
            return False
        if isinstance(value, str):
            return self.fits_text(value)
        return True

    def takes_query_text(self, text: str) -> bool:
        # Empty text only where the contract takes it: DRF would read an optional member's empty
        # text as no member at all, which no schema can state.
        if self.pattern is not None:
            return self.fits_text(text)
        return self.query_pattern is None or re.fullmatch(self.query_pattern, text) is not None

    def fits_text(self, text: str) -> bool:
        if self.min_length is not None and len(text) < self.min_length:
            return False
        if self.max_length is not None and len(text) > self.max_length:
            return False
        return self.pattern is None or re.fullmatch(self.pattern, text) is not None

    def state(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`schema` (drf-spectacular's for the field) narrowed to this contract."""
        if self.pattern is None:
            return schema  # its type says it all
        stated = dict(schema)
        stated["pattern"] = f"^{self.pattern}$"
        for key, value in (("minLength", self.min_length), ("maxLength", self.max_length)):
            stated.pop(key, None)
            if value is not None:
                stated[key] = value
        return stated


def json_type(value: Any) -> str:
    """The JSON type of a parsed JSON value: Python's True is an int, JSON's true no number."""
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def json_equal(value: Any, choice: Any) -> bool:
    """Equal as JSON values: 1 is not true, nor "1", nor 1.0 (DRF's choices compare text)."""
    return json_type(value) == json_type(choice) and value == choice


def text(field: Any, core: str, *, longest: int | None = None) -> Contract:
    """A text field's contract: `core` whole, or nothing if the field allows blank text."""
    lengths = [n for n in (getattr(field, "max_length", None), longest) if n is not None]
    return Contract(
        types=(str,),
        pattern=f"(?:{core})?" if getattr(field, "allow_blank", False) else core,
        min_length=getattr(field, "min_length", None),
        max_length=min(lengths) if lengths else None,
    )


def url_contract(field: serializers.URLField) -> Contract:
    validator = next((v for v in field.validators if isinstance(v, URLValidator)), URLValidator())
    schemes = "|".join(re.escape(scheme) for scheme in validator.schemes)
    host = f"(?:{DOMAIN}|localhost|{IPV4})"
    core = f"(?:{schemes})://{host}(?::{PORT})?{PATH_QUERY_FRAGMENT}"
    return text(field, core, longest=validator.max_length)


def decimal_contract(field: serializers.DecimalField) -> Contract | None:
    if not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING):
        return None  # a JSON number cannot state its decimal places
    if field.min_value not in (None, 0) or field.max_value is not None:
        return None  # a pattern states no other bounds
    sign = "" if field.min_value == 0 else "-?"
    core = sign + decimal_digits(field.max_whole_digits, field.decimal_places)
    return Contract(types=(str,), pattern=core, max_length=field.MAX_STRING_LENGTH)


def decimal_digits(whole: int | None, places: int | None) -> str:
    """At most `whole` digits before the point and `places` after it (None: no limit). With no
    whole digits allowed, "0" and a fraction: DRF counts the 0 of a bare "0" as a whole digit."""
    fraction = r"\.[0-9]" + ("+" if places is None else "{1," + f"{places}" + "}")
    if whole == 0:
        return "0" + fraction
    digits = "[0-9]" + ("+" if whole is None else "{1," + f"{whole}" + "}")
    return digits if places == 0 else f"{digits}(?:{fraction})?"


def date_time_contract(field: serializers.DateTimeField) -> Contract | None:
    formats = getattr(field, "input_formats", None) or api_settings.DATETIME_INPUT_FORMATS
    if ISO_8601 not in formats:
        return None
    return Contract(types=(str,), pattern=DATE_TIME)


def choice_contract(field: serializers.ChoiceField) -> Contract:
    choices = tuple(field.choices)
    if field.allow_blank:
        choices += ("",)
    texts = "|".join(re.escape(query_text(choice)) for choice in choices)
    return Contract(types=(), error="invalid_choice", choices=choices, query_pattern=texts)


def query_text(value: Any) -> str:
    """How a query string spells `value` (as JSON does, without quotes)."""
    return value if isinstance(value, str) else json.dumps(value)


def any_text(field: serializers.CharField) -> str:
    return r"[\s\S]*" if field.allow_blank else r"[\s\S]+"


# Most specific first: the first class a field is an instance of gives its contract.
CONTRACTS: list[tuple[type, Callable[[Any], Contract | None]]] = [
    (serializers.MultipleChoiceField, lambda field: None),
    (serializers.ChoiceField, choice_contract),
    (serializers.URLField, url_contract),
    (serializers.EmailField, lambda field: text(field, EMAIL, longest=320)),
    (serializers.SlugField, lambda field: None if field.allow_unicode else text(field, SLUG)),
    (serializers.RegexField, lambda field: None),
    (serializers.CharField, lambda field: Contract(types=(str,), query_pattern=any_text(field))),
    (serializers.UUIDField, lambda field: Contract(types=(str,), pattern=UUID)),
    (serializers.DateTimeField, date_time_contract),
    (serializers.DecimalField, decimal_contract),
    (serializers.IntegerField, lambda field: Contract(types=(int,), query_pattern=INTEGER)),
    (serializers.FloatField, lambda field: Contract(types=(int, float), query_pattern=NUMBER)),
    (serializers.BooleanField, lambda field: Contract(types=(bool,), query_pattern="true|false")),
]


def contract_for(field: Field) -> Contract | None:
    for kind, contract in CONTRACTS:
        if isinstance(field, kind):
            return contract(field)
    return None


def contract_refusals(serializer: serializers.Serializer[Any], data: Any) -> dict[str, Any]:
    """The members of `data` whose value their field's contract does not state, with the field's
    message. A query string's values are all text: there only text is judged."""
    if not isinstance(data, Mapping):
        return {}
    typed = not isinstance(data, QueryDict)
    refusals: dict[str, list[ErrorDetail]] = {}
    for name, field in serializer.fields.items():
        value = data.get(name)
        if field.read_only or value is None:
            continue
        contract = contract_for(field)
        if contract is not None and not contract.takes(value, typed=typed):
            refusals[name] = refusal(field, contract, value)
    return refusals


def refusal(field: Field, contract: Contract, value: Any) -> list[ErrorDetail]:
    try:
        field.fail(contract.error, input=value, format=DATE_TIME_FORMAT)
    except ValidationError as error:
        return list(error.detail)  # type: ignore[arg-type]
    raise AssertionError("Field.fail always raises")


class ExactRequestFields(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """An InputSerializer's fields state their contract in the request schema; everywhere else
    (answers, other serializers) drf-spectacular's schema stands. Lowest priority: an extension
    written for one field class wins."""

    target_class = serializers.Field
    match_subclasses = True
    priority = -1

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Any) -> Any:
        field = self.target
        schema = auto_schema._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions=True
        )
        if direction != "request" or not is_input_member(field) or not isinstance(schema, dict):
            return schema
        contract = contract_for(field)
        if contract is None and isinstance(field, serializers.DecimalField):
            warn(
                f"{field.field_name}: a schema cannot state this DecimalField exactly: give it"
                " no max_value and a min_value of 0 or none, as text (COERCE_DECIMAL_TO_STRING)."
            )
        return schema if contract is None else contract.state(schema)


def is_input_member(field: Field) -> bool:
    # Imported here: core/serializers.py imports this module for contract_refusals.
    from {{ cookiecutter.project_slug }}.platform.core.serializers import InputSerializer

    return isinstance(field.parent, InputSerializer)
