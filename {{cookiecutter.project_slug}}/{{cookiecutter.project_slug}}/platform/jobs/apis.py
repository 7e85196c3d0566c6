from uuid import UUID

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.platform.accounts.selectors import requesting_user
from {{ cookiecutter.project_slug }}.platform.jobs.selectors import job_get, job_status

JobStatusSerializer = inline_serializer(
    name="JobStatus",
    fields={
        "id": serializers.UUIDField(),
        "state": serializers.ChoiceField(
            choices=["PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED"]
        ),
        "result": serializers.JSONField(required=False),
        "error": serializers.CharField(required=False),
    },
)


class JobStatusApi(APIView):
    @extend_schema(responses=JobStatusSerializer)
    def get(self, request: Request, job_id: UUID) -> Response:
        status = job_status(job=job_get(owner=requesting_user(request), job_id=job_id))
        body = {"id": status.id, "state": status.state}
        if status.error is not None:
            body["error"] = status.error
        else:
            body["result"] = status.result
        return Response(body)
