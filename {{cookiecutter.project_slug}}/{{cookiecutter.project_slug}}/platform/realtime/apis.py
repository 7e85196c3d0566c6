from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.core.schema import error_responses
from {{ cookiecutter.project_slug }}.platform.realtime.grants import StreamsUnavailable
from {{ cookiecutter.project_slug }}.platform.realtime.services import stream_token_issue


class StreamTokenSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()
    stream_url = serializers.CharField(help_text="Its path, with the token: open it within 60 s.")


class StreamTokenApi(APIView):
    """A one-time token for `GET /api/events/stream/?token=`, valid 60 s (EventSource cannot
    send an Authorization header). It lapses with the session that asked for it, and with a
    password change or deactivation of its user."""

    @extend_schema(
        request=None,
        responses={200: StreamTokenSerializer, **error_responses(StreamsUnavailable)},
    )
    def post(self, request: Request) -> Response:
        by_session = isinstance(request.successful_authenticator, SessionAuthentication)
        token = stream_token_issue(
            user=requesting_user(request),
            session_key=request.session.session_key if by_session else None,
        )
        stream_url = f"/api/events/stream/?token={token}"
        return Response(StreamTokenSerializer({"token": token, "stream_url": stream_url}).data)
