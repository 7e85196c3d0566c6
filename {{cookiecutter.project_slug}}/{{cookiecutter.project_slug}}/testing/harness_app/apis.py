from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.core.serializers import InputSerializer
from {{ cookiecutter.project_slug }}.testing.harness_app.services import harness_read, harness_save


class HarnessInputSerializer(InputSerializer[dict[str, str]]):
    name = serializers.CharField(max_length=150, allow_blank=True)
    # Any length: lets the parser tests send a body of an exact size. Counted, never stored.
    text = serializers.CharField(required=False, default="", allow_blank=True)


@extend_schema(exclude=True)  # test-only: not part of the API's documentation
class HarnessApi(APIView):
    """GET: the caller's stored name (cached). POST {"name", "text"}: store the name."""

    def get(self, request: Request) -> Response:
        return Response(harness_read(user=requesting_user(request)))

    def post(self, request: Request) -> Response:
        data = HarnessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = harness_save(user=requesting_user(request), name=data.validated_data["name"])
        return Response(
            {**saved, "text_length": len(data.validated_data["text"])},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(exclude=True)  # test-only: not part of the API's documentation
class HarnessPublicApi(APIView):
    """A public, anonymous endpoint (rate limited per client address like any other)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"ok": True})
