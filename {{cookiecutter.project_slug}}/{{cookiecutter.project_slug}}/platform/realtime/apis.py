from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.realtime.services import stream_token_issue


class StreamTokenApi(APIView):
    """A one-time token for `GET /api/events/stream/?token=`, valid 60 s (EventSource cannot
    send an Authorization header)."""

    @extend_schema(
        request=None,
        responses=inline_serializer(
            name="StreamToken",
            fields={"token": serializers.CharField(), "stream_url": serializers.CharField()},
        ),
    )
    def post(self, request: Request) -> Response:
        token = stream_token_issue(user=requesting_user(request))
        return Response({"token": token, "stream_url": f"/api/events/stream/?token={token}"})
