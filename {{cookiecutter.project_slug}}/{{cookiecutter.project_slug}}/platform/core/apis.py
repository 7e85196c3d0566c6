from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.core.health import CheckResult, HealthReport, health_check


class CheckResultSerializer(serializers.Serializer[CheckResult]):
    status = serializers.ChoiceField(choices=["ok", "down"])
    latency_ms = serializers.FloatField()
    critical = serializers.BooleanField(help_text="Whether its failure makes the app unusable.")
    error = serializers.CharField(allow_null=True)


class HealthSerializer(serializers.Serializer[HealthReport]):
    status = serializers.ChoiceField(choices=["ok", "degraded", "down"])
    checks = serializers.DictField(child=CheckResultSerializer(), help_text="By dependency name.")


class HealthApi(APIView):
    # Probed by load balancers and orchestrators, which carry no credentials.
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(
        responses={200: HealthSerializer, 503: HealthSerializer},
        description="200 when every critical dependency answers, 503 otherwise.",
    )
    def get(self, request: Request) -> Response:
        report = health_check()
        unavailable = report.status == "down"
        code = status.HTTP_503_SERVICE_UNAVAILABLE if unavailable else status.HTTP_200_OK
        return Response(HealthSerializer(report).data, status=code)
