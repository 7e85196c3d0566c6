"""A list page computed from the database, in the shape OwnerCache.page caches."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.platform.caching.owner_cache import CachedPage
from {{ cookiecutter.project_slug }}.platform.core.renderers import encode_json


def encoded_page(
    rows: QuerySet[Any],
    *,
    page: int,
    page_size: int,
    serializer_class: type[serializers.BaseSerializer[Any]],
) -> CachedPage:
    """Page `page` of the ordered `rows`, serialized and encoded as the JSON text the API sends;
    a page past the last one is a 404 (the first page of nothing is an empty page)."""
    count = rows.count()
    if page > 1 and (page - 1) * page_size >= count:
        raise Http404("Invalid page.")
    window = rows[(page - 1) * page_size : page * page_size]
    return {"count": count, "results": encode_json(serializer_class(window, many=True).data)}
