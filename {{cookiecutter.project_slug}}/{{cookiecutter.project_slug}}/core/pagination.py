from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


SerializerClass = type[serializers.Serializer[Any]]


def page_serializer(name: str, item: SerializerClass) -> SerializerClass:
    """The schema of one page of `item`s, as PageNumberPagination returns it."""
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


def paginated_response(
    *,
    request: Request,
    view: APIView,
    queryset: QuerySet[Any, Model],
    serializer_class: SerializerClass,
) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
