from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.core.health import (
    CheckResult,
    HealthReport,
    health_report,
)


class PublicCheckSerializer(serializers.Serializer[CheckResult]):
    status = serializers.ChoiceField(choices=["ok", "down"])


class PublicHealthSerializer(serializers.Serializer[HealthReport]):
    status = serializers.ChoiceField(choices=["ok", "degraded", "down"])
    checks = serializers.DictField(child=PublicCheckSerializer(), help_text="By dependency name.")


class CheckDetailSerializer(PublicCheckSerializer):
    # Not required: the schema describes the public answer and the staff one alike.
    latency_ms = serializers.FloatField(required=False, help_text="Staff only.")
    critical = serializers.BooleanField(
        required=False, help_text="Staff only: whether its failure makes the app unusable."
    )
    error = serializers.CharField(allow_null=True, required=False, help_text="Staff only.")


class HealthDetailSerializer(PublicHealthSerializer):
    checks = serializers.DictField(child=CheckDetailSerializer(), help_text="By dependency name.")


class HealthLiveSerializer(serializers.Serializer[dict[str, str]]):
    status = serializers.ChoiceField(choices=["ok"])


class HealthLiveApi(APIView):
    """Liveness: the process answers. It touches no database, cache or Redis, so an outage of
    theirs never gets a healthy process restarted."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(responses={200: HealthLiveSerializer})
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class HealthReadyApi(APIView):
    """Readiness: every dependency probed (the report is kept HEALTH_CACHE_SECONDS). Anyone gets
    a status per dependency; staff also get the latency and the error text, which can name
    internal hosts and ports."""

    # Probed by load balancers and orchestrators, which carry no credentials. Not throttled:
    # they share an address, and a flood is answered from the kept report.
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def perform_authentication(self, request: Request) -> None:
        """Credentials only unlock the details: a bad token, or an unreachable session store,
        must not fail the probe, so they are checked in `_is_staff`, not here."""

    @extend_schema(
        responses={200: HealthDetailSerializer, 503: HealthDetailSerializer},
        description="200 when every critical dependency answers, 503 otherwise.",
    )
    def get(self, request: Request) -> Response:
        report = health_report()
        unavailable = report.status == "down"
        code = status.HTTP_503_SERVICE_UNAVAILABLE if unavailable else status.HTTP_200_OK
        serializer = HealthDetailSerializer if _is_staff(request) else PublicHealthSerializer
        return Response(serializer(report).data, status=code)


def _is_staff(request: Request) -> bool:
    try:
        return bool(request.user.is_staff)
    except APIException:
        return False
