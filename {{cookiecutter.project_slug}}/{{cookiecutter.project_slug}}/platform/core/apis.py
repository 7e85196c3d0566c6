from dataclasses import asdict

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.core.health import health_check


class HealthApi(APIView):
    # Probed by load balancers and orchestrators, which carry no credentials.
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(
        responses={
            (200, "application/json"): inline_serializer(
                name="Health",
                fields={
                    "status": serializers.ChoiceField(choices=["ok", "degraded", "down"]),
                    "checks": serializers.DictField(child=serializers.DictField()),
                },
            ),
        },
        description="200 when every critical dependency answers, 503 otherwise.",
    )
    def get(self, request: Request) -> Response:
        report = health_check()
        unavailable = report.status == "down"
        code = status.HTTP_503_SERVICE_UNAVAILABLE if unavailable else status.HTTP_200_OK
        return Response(asdict(report), status=code)
