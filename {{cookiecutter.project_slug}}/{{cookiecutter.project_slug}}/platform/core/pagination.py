"""Page-number pagination for APIs whose selectors return one page (so pages can be cached)."""

from dataclasses import dataclass
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

SerializerClass = type[serializers.Serializer[Any]]
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PageQuerySerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField(min_value=1, default=1, help_text="Page number, from 1.")
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
        help_text=f"Items per page (at most {MAX_PAGE_SIZE}).",
    )


@dataclass(frozen=True)
class PageRequest:
    page: int
    page_size: int


FIRST_PAGE = PageRequest(page=1, page_size=DEFAULT_PAGE_SIZE)


def page_request(request: Request) -> PageRequest:
    """The page asked for; a malformed or out-of-bounds value is a 400."""
    if not request.query_params:  # the common case, without building a serializer (hot path)
        return FIRST_PAGE
    query = PageQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return PageRequest(**query.validated_data)


def page_response(*, request: Request, asked: PageRequest, count: int, results: Any) -> Response:
    has_next = asked.page * asked.page_size < count
    # The URL only when a link needs it: building it (host, full path, IRI encoding) was 5% of a
    # cached page's time, for the single-page lists most clients read.
    url = request.build_absolute_uri() if has_next or asked.page > 1 else ""
    previous = None
    if asked.page == 2:
        previous = remove_query_param(url, "page")
    elif asked.page > 2:
        previous = replace_query_param(url, "page", asked.page - 1)
    return Response(
        {
            "count": count,
            "next": replace_query_param(url, "page", asked.page + 1) if has_next else None,
            "previous": previous,
            "results": results,
        }
    )


def page_serializer(name: str, item: SerializerClass) -> SerializerClass:
    """The schema of one page of `item`s, as `page_response` returns it."""
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)
