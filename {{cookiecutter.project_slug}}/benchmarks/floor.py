"""The framework's floor for `make bench-http`: a bare DRF view answering a fixed list page (20
items of about 300 bytes, the page size of the project's lists), with no authentication,
database, cache or throttle. Served by the same server command as the project, through the same
middleware, so a ratio to it is what the project's own work costs."""

from typing import Any

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

FLOOR_PATH = "/bench/floor/"
FIXED_PAGE: dict[str, Any] = {
    "count": 20,
    "next": None,
    "previous": None,
    "results": [
        {
            "id": n,
            "title": f"Item {n}",
            "body": "x" * 200,
            "created_at": "2026-01-01T00:00:00.000000Z",
            "updated_at": "2026-01-01T00:00:00.000000Z",
        }
        for n in range(20)
    ],
}


class FloorApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get(self, request: Request) -> Response:
        return Response(FIXED_PAGE)
