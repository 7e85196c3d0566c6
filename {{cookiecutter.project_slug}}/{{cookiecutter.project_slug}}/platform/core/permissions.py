from typing import Any

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class ApiDocsAccess(BasePermission):
    """The OpenAPI schema and docs page: for everyone when API_DOCS_PUBLIC is on (development),
    otherwise for staff only. A public schema maps every endpoint and parameter for an attacker;
    publishing it is a product decision, not a default."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
